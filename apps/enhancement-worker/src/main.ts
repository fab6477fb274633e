/**
 * enhancement-worker — Step Functions task (EnhancementPipeline's photo Map
 * iteration): one photo -> one enhancement round, full resolution, stored
 * with the extension of the real output, the round appended to the item record.
 *
 * Thin by design (STYLE.md §6): decode the event with its Schema, run
 * `photoEnhancementTask` from @curator/ai, encode the result or throw an
 * Error named by the tag. `makeHandler` takes the layer of the home it runs
 * in (the image needs libheif, like the thumbnail worker's, for HEIC input);
 * the Lambda entry (`handler`, with the S3/DynamoDB layers) is src/lambda.ts.
 */
import { photoEnhancementTask, type PhotoEnhancementTaskServices } from "@curator/ai"
import { makeTaskHandler } from "@curator/orchestration"
import type { Layer } from "effect"

/** Builds the task handler `(event: unknown) => Promise<PhotoEnhanceTaskResult>` over the given services. */
export const makeHandler = <E>(layer: Layer.Layer<PhotoEnhancementTaskServices, E>) => makeTaskHandler({ ...photoEnhancementTask, layer })
