/**
 * enhancement-worker on AWS Lambda: `handler` is the function the image's
 * `CMD ["lambda.handler"]` names (dist/apps/enhancement-worker/lambda.mjs).
 *
 * Services, built once per cold start (lazily, on the first invocation, by
 * `makeTaskHandler`): the AWS stores (`AwsStores.layerFromEnv`) and the same
 * services the local stack composes for this task: `Media.layer` (PhotoRenderer,
 * ProcessRunner; settings from `MEDIA_*`, heif-convert for HEIC originals) and
 * `PhotoEditor.layerOffline` (Gemini in a later issue).
 */
import { PhotoEditor } from "@curator/ai"
import { Media } from "@curator/media"
import { AwsStores } from "@curator/store/aws"
import { Layer } from "effect"
import { makeHandler } from "./main.js"

/** The Lambda handler: an EnhancementPipeline photo iteration's event -> `PhotoEnhanceTaskResult`, or a thrown Error named by the tag. */
export const handler = makeHandler(Layer.mergeAll(AwsStores.layerFromEnv, Media.layer, PhotoEditor.layerOffline))
