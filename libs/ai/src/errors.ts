/**
 * The AI library's own typed failures: outcomes of a Gemini call that the calling path handles
 * itself and that never leave a task (so they are not in the contracts' error table).
 */
import { Schema } from "effect"

const fields = { message: Schema.String }

/**
 * An image model finished without an image (finishReason NO_IMAGE or IMAGE_OTHER, or an answer
 * with no image part): the photo path keeps the offline edit for the round instead of failing.
 */
export class AiNoImageError extends Schema.TaggedError<AiNoImageError>()("AiNoImageError", fields) {}

/**
 * The Files API could not process an uploaded file (state FAILED, e.g. a codec it does not
 * decode): the selection sends that item's frames instead, the video analysis falls back to the
 * offline rules for the round.
 */
export class AiFileFailedError extends Schema.TaggedError<AiFileFailedError>()("AiFileFailedError", fields) {}
