/**
 * video-worker on AWS Lambda: `handler` is the function the image's
 * `CMD ["lambda.handler"]` names (dist/apps/video-worker/lambda.mjs).
 *
 * Services, built once per cold start (lazily, on the first invocation, by
 * `makeTaskHandler`): the AWS stores (`AwsStores.layerFromEnv`) and the same
 * services the local stack composes for this task: `Media.layer`
 * (ProcessRunner, MetadataReader, VideoProbe, VideoEnhancer; ffmpeg/ffprobe
 * from `MEDIA_*`) and `VideoAnalyzer.layerOffline` (Gemini in a later issue).
 */
import { VideoAnalyzer } from "@curator/ai"
import { Media } from "@curator/media"
import { AwsStores } from "@curator/store/aws"
import { Layer } from "effect"
import { makeHandler } from "./main.js"

/** The Lambda handler: an EnhancementPipeline video iteration's event -> `VideoEnhanceTaskResult`, or a thrown Error named by the tag. */
export const handler = makeHandler(Layer.mergeAll(AwsStores.layerFromEnv, Media.layer, VideoAnalyzer.layerOffline))
