/**
 * The report of `curator run`: `selection.json`, a contact sheet JPEG and a
 * static HTML page, made from one ReportInput (the selection result plus
 * every input file with its name, media item, thumbnail and failure).
 */
export type { ReportBundle, ReportFailure, ReportInput, ReportItem, ReportPost } from "./ReportInput.js"
export { POSTS_SHEET_QUALITY, renderPostsSheet } from "./PostsSheet.js"
export { ReportRenderError, ReportWriteError } from "./errors.js"
export {
  buildSelectionDocument,
  FileRef,
  renderSelectionJson,
  SelectionDocument,
  SelectionJson,
  SelectionJsonCounts,
  SelectionJsonExcluded,
  SelectionJsonScene,
  SelectionJsonSelected
} from "./SelectionJson.js"
export { CONTACT_SHEET_QUALITY, contactSheetFileName, contactSheetLayouts, renderContactSheets } from "./ContactSheet.js"
export { MAX_SHEET_HEIGHT, type Rect, type SheetLayout, type SheetTile, type TileVariant } from "./internal/sheetLayout.js"
export { DIM_OPACITY, palette } from "./internal/theme.js"
export { type HtmlReportOptions, renderHtmlReport } from "./HtmlReport.js"
export { type ReportPaths, THUMBNAILS_DIR, thumbnailFileName, thumbnailHref, writeReport } from "./ReportWriter.js"
export { type PostsJson, type PostsJsonItem, type PostsJsonPost, type PostsPaths, writePostsOutputs } from "./PostsWriter.js"
