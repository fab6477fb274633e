/**
 * thumbnail-worker — Step Functions task (SelectionPipeline's Map iteration):
 * one upload -> validated metadata + 400 px thumbnail (+ frames for videos).
 *
 * Thin by design (STYLE.md §6): decode the event with its Schema, run
 * `thumbnailTask` from @curator/media, encode the result or throw an Error
 * named by the tag. `makeHandler` takes the layer of the home it runs in: the
 * local stack passes its embedded stores; the Lambda entry (`handler`, with
 * the S3/DynamoDB layers) is src/lambda.ts.
 */
import { thumbnailTask, type ThumbnailTaskServices } from "@curator/media"
import { makeTaskHandler } from "@curator/orchestration"
import type { Layer } from "effect"

/** Builds the task handler `(event: unknown) => Promise<ThumbnailTaskResult>` over the given services. */
export const makeHandler = <E>(layer: Layer.Layer<ThumbnailTaskServices, E>) =>
  makeTaskHandler({ ...thumbnailTask, layer })
