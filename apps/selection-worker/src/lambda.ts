/**
 * selection-worker on AWS Lambda: `handler` is the function the image's
 * `CMD ["lambda.handler"]` names (dist/apps/selection-worker/lambda.mjs);
 * `captionHandler` is the caption task (CaptionPipeline), run by a second
 * function from the same image with the CMD override `lambda.captionHandler`
 * (decision 0007: this image has @curator/ai and the Gemini key).
 *
 * Services, built once per cold start (lazily, on the first invocation, and
 * again after a failed one): the AWS stores (`AwsStores.layerFromEnv`), and
 * for `handler` the media services (`Media.layer`: the video previews Gemini
 * reads) and the SelectionModel, for `captionHandler` the Captioner — both
 * chosen by the same rule:
 *
 * - `CURATOR_GEMINI_KEY_PARAMETER` set: the Gemini API key is read from that
 *   SSM parameter (`GetParameter`, `WithDecryption`: it is a SecureString) and
 *   the Gemini SelectionModel is built with it (`SelectionModelGemini` over
 *   `GeminiClient`; `CaptionerGemini` for captions; models, timeouts and base
 *   URL from the same variables the local stack reads, see
 *   `geminiConfigFromEnv`). Every configured model is then checked with
 *   `models.get` (`readCheckedGeminiConfig`): an unknown or retired one fails
 *   the cold start with the ConfigError naming the model and its variable. A
 *   parameter that cannot be read (missing, empty, SSM unreachable) fails the
 *   cold start with an Error named `InternalDefectError` that names the
 *   parameter: never a silent fallback to the offline model.
 * - not set: the offline SelectionModel (`SelectionModel.layerOffline`) and
 *   Captioner (`Captioner.layerOffline`), as the local stack without a key.
 *   A `GEMINI_API_KEY` in the environment is ignored here: on AWS the key
 *   lives only in SSM.
 *
 * All read `AWS_REGION`; `CURATOR_SSM_ENDPOINT` points SSM at a stand-in (tests).
 */
import { Captioner, CaptionerGemini, describeGeminiConfig, GeminiClient, type GeminiConfig, SelectionModel, SelectionModelGemini } from "@curator/ai"
import { type LambdaEnv, lazyColdStart, readCheckedGeminiConfig, readGeminiConfig } from "@curator/ai/aws"
import { Media } from "@curator/media"
import { AwsStores } from "@curator/store/aws"
import { ConfigProvider, Layer } from "effect"
import { makeCaptionHandler, makeHandler } from "./main.js"

export { type LambdaEnv, readGeminiConfig }

/** The task handler: the SelectionPipeline fan-in event -> the encoded `SelectionTaskResult`. */
export type SelectionLambdaHandler = ReturnType<typeof makeHandler<unknown>>

/** The caption task handler: a `CaptionTaskEvent` -> the encoded `CaptionTaskResult`. */
export type CaptionLambdaHandler = ReturnType<typeof makeCaptionHandler<unknown>>

/** The SelectionModel for the settings: Gemini when given, else offline (the same rule as the local stack). */
export const selectionModelLayer = (gemini: GeminiConfig | null): Layer.Layer<SelectionModel> =>
  gemini === null ? SelectionModel.layerOffline : SelectionModelGemini.pipe(Layer.provide(GeminiClient.layer(gemini)))

/** The Captioner for the settings: Gemini when given, else offline (the same rule as the SelectionModel). */
export const captionerLayer = (gemini: GeminiConfig | null): Layer.Layer<Captioner> =>
  gemini === null ? Captioner.layerOffline : CaptionerGemini.pipe(Layer.provide(GeminiClient.layer(gemini)))

/** Options of {@link makeLambdaHandler} and {@link makeCaptionLambdaHandler} (tests). */
export interface MakeLambdaHandlerOptions {
  /** The environment; default `process.env`. */
  readonly env?: LambdaEnv
}

/** The environment as a ConfigProvider layer (the stores read their settings through `Config`). */
const envConfig = (env: LambdaEnv) =>
  ConfigProvider.layer(ConfigProvider.fromEnv({ env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)) }))

/** Reads the key (if configured) and composes the selection task handler over the AWS stores, the media services (video previews for Gemini) and the chosen SelectionModel. */
const coldStart = async (env: LambdaEnv): Promise<SelectionLambdaHandler> => {
  const gemini = await readCheckedGeminiConfig(env)
  console.info(`curator selection-worker: ${gemini === null ? "offline selection" : describeGeminiConfig(gemini)}`)
  return makeHandler(Layer.mergeAll(AwsStores.layerFromEnv, Media.layer, selectionModelLayer(gemini)).pipe(Layer.provide(envConfig(env))))
}

/** Reads the key (if configured) and composes the caption task handler over the AWS stores and the chosen Captioner. */
const coldStartCaption = async (env: LambdaEnv): Promise<CaptionLambdaHandler> => {
  const gemini = await readCheckedGeminiConfig(env)
  console.info(`curator selection-worker: ${gemini === null ? "offline captions" : describeGeminiConfig(gemini)}`)
  return makeCaptionHandler(Layer.mergeAll(AwsStores.layerFromEnv, captionerLayer(gemini)).pipe(Layer.provide(envConfig(env))))
}

/**
 * A Lambda handler whose cold start (SSM key read, layer choice) runs on the
 * first invocation and is reused by warm ones (`lazyColdStart`). A failed cold
 * start throws an Error named `InternalDefectError` (the reason in its message
 * and the log) and is tried again on the next invocation. Exported for tests.
 */
export const makeLambdaHandler = (options: MakeLambdaHandlerOptions = {}): SelectionLambdaHandler =>
  lazyColdStart("selection-worker", () => coldStart(options.env ?? process.env))

/** The caption task's Lambda handler, with the same cold start rules as {@link makeLambdaHandler}. Exported for tests. */
export const makeCaptionLambdaHandler = (options: MakeLambdaHandlerOptions = {}): CaptionLambdaHandler =>
  lazyColdStart("selection-worker", () => coldStartCaption(options.env ?? process.env))

/** The Lambda handler: the SelectionPipeline fan-in event -> `SelectionTaskResult`, or a thrown Error named by the tag. */
export const handler = makeLambdaHandler()

/** The caption Lambda handler (CMD `lambda.captionHandler`): a `CaptionTaskEvent` -> `CaptionTaskResult`, or a thrown Error named by the tag. */
export const captionHandler = makeCaptionLambdaHandler()
