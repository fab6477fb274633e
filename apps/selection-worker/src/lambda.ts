/**
 * selection-worker on AWS Lambda: `handler` is the function the image's
 * `CMD ["lambda.handler"]` names (dist/apps/selection-worker/lambda.mjs).
 *
 * Services, built once per cold start (lazily, on the first invocation, by
 * `makeTaskHandler`): the AWS stores (`AwsStores.layerFromEnv`) and the same
 * SelectionModel the local stack composes (`SelectionModel.layerOffline`; the
 * Gemini model replaces it in the Gemini issue, reading
 * CURATOR_GEMINI_KEY_PARAMETER).
 */
import { SelectionModel } from "@curator/ai"
import { AwsStores } from "@curator/store/aws"
import { Layer } from "effect"
import { makeHandler } from "./main.js"

/** The Lambda handler: the SelectionPipeline fan-in event -> `SelectionTaskResult`, or a thrown Error named by the tag. */
export const handler = makeHandler(Layer.mergeAll(AwsStores.layerFromEnv, SelectionModel.layerOffline))
