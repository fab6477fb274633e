/**
 * thumbnail-worker on AWS Lambda: `handler` is the function the image's
 * `CMD ["lambda.handler"]` names (dist/apps/thumbnail-worker/lambda.mjs).
 *
 * Services, built once per cold start (lazily, on the first invocation, by
 * `makeTaskHandler`): the AWS stores (`AwsStores.layerFromEnv`: S3 blobs and
 * the DynamoDB SessionStore, from CURATOR_BUCKET / CURATOR_TABLE / AWS_REGION)
 * and the same media services the local stack composes (`Media.layer`:
 * settings from `MEDIA_*`, the heavy image points them at its ffmpeg, ffprobe
 * and heif-convert).
 */
import { Media } from "@curator/media"
import { AwsStores } from "@curator/store/aws"
import { Layer } from "effect"
import { makeHandler } from "./main.js"

/** The Lambda handler: a SelectionPipeline Map iteration's event -> `ThumbnailTaskResult`, or a thrown Error named by the tag. */
export const handler = makeHandler(Layer.mergeAll(AwsStores.layerFromEnv, Media.layer))
