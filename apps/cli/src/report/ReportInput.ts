/**
 * What the report is made from: the selection result of one job plus, for
 * every input file, its original name, its media item (null when it failed),
 * its 400 px JPEG thumbnail (null when it failed) and its failure; and the
 * inputs that were not taken in at all.
 */
import type { MediaItem, SelectionResult, SkippedInput } from "@curator/contracts"

/** Why a file could not be processed: the error tag (e.g. `CorruptMediaError`) and its message. */
export interface ReportFailure {
  readonly tag: string
  readonly message: string
}

/**
 * One input file.
 * - `fileName`: the name the person gave the file (relative path for `curator run`), display only.
 * - `item`: the validated media item, null for a file that failed.
 * - `thumbnail`: the 400 px longest-edge JPEG bytes, null for a file that failed.
 * - `failure`: set for a file that failed; such a file also appears in `result.excluded` as `unprocessable`.
 */
export interface ReportItem {
  readonly fileId: string
  readonly fileName: string
  readonly item: MediaItem | null
  readonly thumbnail: Uint8Array | null
  readonly failure: ReportFailure | null
}

/**
 * The whole report input. `generatedAt` is an ISO 8601 instant;
 * `tripContext` may be empty. Every file of `items` should appear exactly once
 * in `result.selected` or `result.excluded`; the renderers repair a result
 * that does not (see `internal/ReportView.ts`) so no file is ever lost.
 */
export interface ReportInput {
  readonly title: string
  readonly tripContext: string
  readonly generatedAt: string
  readonly result: SelectionResult
  readonly items: ReadonlyArray<ReportItem>
  /** Inputs of the folder that were not taken in (symbolic links, files that are not photos or videos), in path order. */
  readonly skipped?: ReadonlyArray<SkippedInput>
  /** The posts of a whole-flow run, in post order; absent for a selection-only run. */
  readonly posts?: ReadonlyArray<ReportPost>
}

/** One ZIP of a post, as the report links it. `href`: relative URL from report.html; `bytes`: its size. */
export interface ReportBundle {
  readonly name: string
  readonly href: string
  readonly bytes: number
}

/**
 * One carousel post of a whole-flow run (`curator run --steps posts`):
 * `fileIds` in carousel order (each also in `items`), the accepted caption
 * (null when its job failed: `captionError` says why), hashtags without `#`,
 * the location tag, the caption model (`offline` or a Gemini model name) and
 * the post's bundles.
 */
export interface ReportPost {
  readonly label: string
  readonly fileIds: ReadonlyArray<string>
  readonly caption: string | null
  readonly captionError: string | null
  readonly hashtags: ReadonlyArray<string>
  readonly locationTag: string | null
  readonly model: string | null
  readonly bundles: ReadonlyArray<ReportBundle>
}
