/**
 * selection-worker — Step Functions task (SelectionPipeline's fan-in): all
 * thumbnails + metadata of a job -> the selection, recorded on the job.
 *
 * Thin by design (STYLE.md §6): decode the event, run `runSelectionTask`
 * (`selectionTask`) from @curator/ai, encode the result or throw an Error named by the tag.
 * `makeHandler` takes the layer of the home it runs in (local stack now;
 * the Lambda `handler` with the AWS layers: src/lambda.ts).
 */
import { selectionTask, type SelectionTaskServices } from "@curator/ai"
import { makeTaskHandler } from "@curator/orchestration"
import type { Layer } from "effect"

/** Builds the task handler `(event: unknown) => Promise<SelectionTaskResult>` over the given services. */
export const makeHandler = <E>(layer: Layer.Layer<SelectionTaskServices, E>) =>
  makeTaskHandler({ ...selectionTask, layer })
