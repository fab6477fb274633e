/**
 * selection-worker on AWS Lambda: `handler` is the function the image's
 * `CMD ["lambda.handler"]` names (dist/apps/selection-worker/lambda.mjs).
 *
 * Services, built once per cold start (lazily, on the first invocation, and
 * again after a failed one): the AWS stores (`AwsStores.layerFromEnv`) and the
 * SelectionModel:
 *
 * - `CURATOR_GEMINI_KEY_PARAMETER` set: the Gemini API key is read from that
 *   SSM parameter (`GetParameter`, `WithDecryption`: it is a SecureString) and
 *   the Gemini SelectionModel is built with it (`SelectionModelGemini` over
 *   `GeminiClient`; models, timeouts and base URL from the same variables the
 *   local stack reads, see `geminiConfigFromEnv`). A parameter that cannot be
 *   read (missing, empty, SSM unreachable) fails the cold start with an Error
 *   named `InternalDefectError` that names the parameter: never a silent
 *   fallback to the offline model.
 * - not set: the offline SelectionModel (`SelectionModel.layerOffline`), as the
 *   local stack without a key. A `GEMINI_API_KEY` in the environment is ignored
 *   here: on AWS the key lives only in SSM.
 *
 * All read `AWS_REGION`; `CURATOR_SSM_ENDPOINT` points SSM at a stand-in (tests).
 */
import { GeminiClient, type GeminiConfig, geminiConfigFromEnv, SelectionModel, SelectionModelGemini } from "@curator/ai"
import { AwsStores, readSecureParameter } from "@curator/store/aws"
import { ConfigProvider, Layer } from "effect"
import { makeHandler } from "./main.js"

/** The environment the entry reads (`process.env` on Lambda). */
export type LambdaEnv = Readonly<Record<string, string | undefined>>

/** The task handler: the SelectionPipeline fan-in event -> the encoded `SelectionTaskResult`. */
export type SelectionLambdaHandler = ReturnType<typeof makeHandler<unknown>>

/**
 * The Gemini settings for this cold start: null (offline) when
 * `CURATOR_GEMINI_KEY_PARAMETER` is unset or blank; else the key from SSM
 * (`GetParameter` with `WithDecryption: true`, at `CURATOR_SSM_ENDPOINT` when
 * given) with the other settings from `geminiConfigFromEnv(env)`. Rejects with
 * an Error naming the parameter when `AWS_REGION` is missing or the parameter
 * cannot be read or is empty.
 */
export const readGeminiConfig = async (env: LambdaEnv): Promise<GeminiConfig | null> => {
  const parameter = env["CURATOR_GEMINI_KEY_PARAMETER"]?.trim() ?? ""
  if (parameter === "") return null
  const region = env["AWS_REGION"]?.trim() ?? ""
  if (region === "") throw new Error(`missing environment variable AWS_REGION (needed to read the Gemini key from SSM parameter ${parameter})`)
  const key = await readSecureParameter({ region, name: parameter, endpoint: env["CURATOR_SSM_ENDPOINT"] }).catch((error: unknown) => {
    throw new Error(`could not read the Gemini key: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
  })
  const config = geminiConfigFromEnv({ ...env, GEMINI_API_KEY: key })
  if (config === null) throw new Error(`SSM parameter ${parameter} (the Gemini key) is empty`)
  return config
}

/** The SelectionModel for the settings: Gemini when given, else offline (the same rule as the local stack). */
export const selectionModelLayer = (gemini: GeminiConfig | null): Layer.Layer<SelectionModel> =>
  gemini === null ? SelectionModel.layerOffline : SelectionModelGemini.pipe(Layer.provide(GeminiClient.layer(gemini)))

/** Options of {@link makeLambdaHandler} (tests). */
export interface MakeLambdaHandlerOptions {
  /** The environment; default `process.env`. */
  readonly env?: LambdaEnv
}

/** Reads the key (if configured) and composes the task handler over the AWS stores and the chosen SelectionModel. */
const coldStart = async (env: LambdaEnv): Promise<SelectionLambdaHandler> => {
  const gemini = await readGeminiConfig(env)
  console.info(`curator selection-worker: ${gemini === null ? "offline selection" : `Gemini selection (${gemini.models.selection})`}`)
  const provider = ConfigProvider.fromEnv({ env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)) })
  return makeHandler(Layer.mergeAll(AwsStores.layerFromEnv, selectionModelLayer(gemini)).pipe(Layer.provide(ConfigProvider.layer(provider))))
}

/**
 * A Lambda handler whose cold start (SSM key read, layer choice) runs on the
 * first invocation and is reused by warm ones. A failed cold start throws an
 * Error named `InternalDefectError` (the reason in its message and the log)
 * and is tried again on the next invocation. Exported for tests.
 */
export const makeLambdaHandler = (options: MakeLambdaHandlerOptions = {}): SelectionLambdaHandler => {
  let ready: Promise<SelectionLambdaHandler> | undefined
  return async (event) => {
    const started = (ready ??= coldStart(options.env ?? process.env))
    let task: SelectionLambdaHandler
    try {
      task = await started
    } catch (error) {
      if (ready === started) ready = undefined
      console.error("curator selection-worker: cold start failed", error)
      const failure = new Error(`selection-worker could not start: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
      failure.name = "InternalDefectError"
      throw failure
    }
    return task(event)
  }
}

/** The Lambda handler: the SelectionPipeline fan-in event -> `SelectionTaskResult`, or a thrown Error named by the tag. */
export const handler = makeLambdaHandler()
