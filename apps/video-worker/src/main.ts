/**
 * video-worker — two Step Functions tasks from one image:
 * - `makeHandler`: EnhancementPipeline's video Map iteration: one video -> one
 *   enhancement round (H.264 + AAC MP4 and a preview clip), the round
 *   appended to the item record (`videoEnhancementTask` from @curator/ai);
 * - `makeBundleHandler`: DownloadPipeline's Map iteration: one post -> its ZIP
 *   bundles, GPS stripped unless kept (`bundleTask` from @curator/media; this
 *   image has ffmpeg, ExifTool's perl and a large ephemeral disk, decision
 *   record docs/decisions/0007-posts-state-machines.md).
 *
 * Thin by design (STYLE.md §6): decode the event with its Schema, run the
 * task program, encode the result or throw an Error named by the tag. Each
 * builder takes the layer of the home it runs in; the Lambda entries with the
 * AWS layers are in src/lambda.ts.
 */
import { videoEnhancementTask, type VideoEnhancementTaskServices } from "@curator/ai"
import { bundleTask, type BundleTaskServices } from "@curator/media"
import { makeTaskHandler } from "@curator/orchestration"
import type { Layer } from "effect"

/** Builds the task handler `(event: unknown) => Promise<VideoEnhanceTaskResult>` over the given services. */
export const makeHandler = <E>(layer: Layer.Layer<VideoEnhancementTaskServices, E>) => makeTaskHandler({ ...videoEnhancementTask, layer })

/** Builds the bundle task handler `(event: unknown) => Promise<BundleTaskResult>` over the given services. */
export const makeBundleHandler = <E>(layer: Layer.Layer<BundleTaskServices, E>) => makeTaskHandler({ ...bundleTask, layer })
