/**
 * The outputs of a whole-flow run (`curator run --steps posts`), next to the
 * selection report:
 * ```
 * <outDir>/posts.json   per post: label, items in carousel order (by file name), caption, hashtags, location tag, model, bundles
 * <outDir>/posts.jpg    a picture of the posts (PostsSheet)
 * <outDir>/report.html  re-rendered with its "Posts" section
 * ```
 * Written to a temporary name and renamed into place, like ReportWriter.
 */
import fs from "node:fs/promises"
import path from "node:path"
import { Effect } from "effect"
import { ReportWriteError } from "./errors.js"
import { renderHtmlReport } from "./HtmlReport.js"
import { renderPostsSheet } from "./PostsSheet.js"
import type { ReportInput, ReportPost } from "./ReportInput.js"
import { thumbnailHref, writeReportFile } from "./ReportWriter.js"

/** One item of a post in posts.json. */
export interface PostsJsonItem {
  /** The file's name as given (relative path in the input folder). */
  readonly fileName: string
  /** Its ZIP entry name (`NN-<name>.<ext>`), null when the download did not reach the post. */
  readonly entryName: string | null
  /** What the post exports: the accepted enhanced version, or the original. */
  readonly source: "enhanced" | "original"
  /** The enhanced copy, relative to the output folder (`enhanced/<name>`), null for `original`. */
  readonly enhancedFile: string | null
}

/** One post in posts.json. Hashtags without `#`; `model` is `offline` or the Gemini model name. */
export interface PostsJsonPost {
  readonly number: number
  readonly label: string
  readonly items: ReadonlyArray<PostsJsonItem>
  readonly caption: string | null
  readonly captionError: string | null
  readonly hashtags: ReadonlyArray<string>
  readonly locationTag: string | null
  readonly model: string | null
  /** Bundle files relative to the output folder, their sizes (bytes) and entries in ZIP order. */
  readonly bundles: ReadonlyArray<{ readonly file: string; readonly bytes: number; readonly entries: ReadonlyArray<string> }>
}

/** The whole posts.json document. `bundleBytes`: the largest ZIP setting, bytes. */
export interface PostsJson {
  readonly generatedAt: string
  readonly keepGps: boolean
  readonly bundleBytes: number
  readonly posts: ReadonlyArray<PostsJsonPost>
}

/** Absolute paths of what `writePostsOutputs` wrote. */
export interface PostsPaths {
  readonly postsJson: string
  readonly postsSheet: string
  readonly htmlReport: string
}


/**
 * Writes posts.json, posts.jpg and report.html (with `input.posts`) into
 * `outDir` (which `writeReport` created). Fails with ReportWriteError or
 * ReportRenderError.
 */
export const writePostsOutputs = Effect.fn("writePostsOutputs")(function* (
  outDir: string,
  input: ReportInput & { readonly posts: ReadonlyArray<ReportPost> },
  document: PostsJson
) {
  const root = path.resolve(outDir)
  const paths: PostsPaths = {
    postsJson: path.join(root, "posts.json"),
    postsSheet: path.join(root, "posts.jpg"),
    htmlReport: path.join(root, "report.html")
  }
  yield* writeReportFile(paths.postsJson, `${JSON.stringify(document, null, 2)}\n`)
  yield* writeReportFile(paths.postsSheet, yield* renderPostsSheet({ title: `${input.title} — posts`, posts: input.posts, items: input.items }))
  yield* writeReportFile(paths.htmlReport, renderHtmlReport(input, { thumbnailHref }))
  return paths
})
