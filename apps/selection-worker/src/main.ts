/**
 * selection-worker — Step Functions tasks: SelectionPipeline's fan-in (all
 * thumbnails + metadata of a job -> the selection, recorded on the job) and
 * CaptionPipeline's one Task (a post -> a caption version, `makeCaptionHandler`).
 *
 * Thin by design (STYLE.md §6): decode the event, run `runSelectionTask`
 * (`selectionTask`) or `runCaptionTask` (`captionTask`) from @curator/ai,
 * encode the result or throw an Error named by the tag.
 * `makeHandler` takes the layer of the home it runs in (local stack now;
 * the Lambda `handler` with the AWS layers: src/lambda.ts).
 */
import { captionTask, type CaptionTaskServices, selectionTask, type SelectionTaskServices } from "@curator/ai"
import { makeTaskHandler } from "@curator/orchestration"
import type { Layer } from "effect"

/** Builds the task handler `(event: unknown) => Promise<SelectionTaskResult>` over the given services. */
export const makeHandler = <E>(layer: Layer.Layer<SelectionTaskServices, E>) =>
  makeTaskHandler({ ...selectionTask, layer })

/** Builds the caption task handler `(event: unknown) => Promise<CaptionTaskResult>` over the given services. */
export const makeCaptionHandler = <E>(layer: Layer.Layer<CaptionTaskServices, E>) =>
  makeTaskHandler({ ...captionTask, layer })
