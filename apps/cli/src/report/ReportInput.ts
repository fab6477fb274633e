/**
 * What the report is made from: the selection result of one job plus, for
 * every input file, its original name, its media item (null when it failed),
 * its 400 px JPEG thumbnail (null when it failed) and its failure.
 */
import type { MediaItem, SelectionResult } from "@curator/contracts"

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
}
