/**
 * video-worker — Step Functions task (EnhancementPipeline's video Map
 * iteration): one video -> one enhancement round (H.264 + AAC MP4 and a
 * preview clip), the round appended to the item record.
 *
 * Thin by design (STYLE.md §6): decode the event with its Schema, run
 * `videoEnhancementTask` from @curator/ai, encode the result or throw an
 * Error named by the tag. `makeHandler` takes the layer of the home it runs
 * in; the Lambda entry with the AWS layers is src/lambda.ts.
 */
import { videoEnhancementTask, type VideoEnhancementTaskServices } from "@curator/ai"
import { makeTaskHandler } from "@curator/orchestration"
import type { Layer } from "effect"

/** Builds the task handler `(event: unknown) => Promise<VideoEnhanceTaskResult>` over the given services. */
export const makeHandler = <E>(layer: Layer.Layer<VideoEnhancementTaskServices, E>) => makeTaskHandler({ ...videoEnhancementTask, layer })
