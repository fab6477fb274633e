/**
 * Typed failures of the report module. They are CLI-side only (no task
 * program ends with them), so they are not in the contracts' error table.
 */
import { Schema } from "effect"

/** sharp could not compose or encode the contact sheet (a libvips failure; corrupt thumbnails are drawn as placeholders instead). */
export class ReportRenderError extends Schema.TaggedError<ReportRenderError>()("ReportRenderError", {
  message: Schema.String
}) {}

/** An output file or folder of the report could not be written (permissions, disk full, a file where a folder should be). */
export class ReportWriteError extends Schema.TaggedError<ReportWriteError>()("ReportWriteError", {
  message: Schema.String,
  path: Schema.String
}) {}
