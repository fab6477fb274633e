/**
 * `@curator/ai/aws`: what the Lambda entries of the AI workers (selection, enhancement, video)
 * share — the Gemini key read from SSM once per cold start, and the lazy cold start itself.
 * A separate entry so the local stack and the CLI never bundle the SSM client.
 */
import { readSecureParameter } from "@curator/store/aws"
import { Effect } from "effect"
import { checkGeminiModels, type GeminiConfig, geminiConfigFromEnv } from "./GeminiClient.js"

/** The environment a Lambda entry reads (`process.env` on Lambda). */
export type LambdaEnv = Readonly<Record<string, string | undefined>>

/**
 * The Gemini settings for this cold start: null (offline) when `CURATOR_GEMINI_KEY_PARAMETER` is
 * unset or blank; else the key from that SSM parameter (`GetParameter` with `WithDecryption: true`,
 * at `CURATOR_SSM_ENDPOINT` when given) with the other settings from `geminiConfigFromEnv(env)`.
 * A `GEMINI_API_KEY` in the environment is ignored: on AWS the key lives only in SSM. Rejects with
 * an Error naming the parameter when `AWS_REGION` is missing or the parameter cannot be read or is
 * empty (never a silent fallback to the offline layers).
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

/**
 * {@link readGeminiConfig}, then every configured model checked with `models.get`
 * (`checkGeminiModels`): the AI workers' cold start. Rejects with the ConfigError that names an
 * unknown or retired model and the variable to set (the cold start fails with it, never a failed
 * selection later); null (offline) when no key parameter is configured.
 */
export const readCheckedGeminiConfig = async (env: LambdaEnv): Promise<GeminiConfig | null> => {
  const config = await readGeminiConfig(env)
  return config === null ? null : Effect.runPromise(checkGeminiModels(config))
}

/**
 * A Lambda handler whose cold start (`coldStart`: e.g. the SSM key read and the layer choice) runs
 * on the first invocation and is reused by warm ones. A failed cold start throws an Error named
 * `InternalDefectError` (`<worker> could not start: ...`, logged) and is tried again on the next
 * invocation.
 */
export const lazyColdStart = <R>(worker: string, coldStart: () => Promise<(event: unknown) => Promise<R>>): ((event: unknown) => Promise<R>) => {
  let ready: Promise<(event: unknown) => Promise<R>> | undefined
  return async (event) => {
    const started = (ready ??= coldStart())
    let task: (event: unknown) => Promise<R>
    try {
      task = await started
    } catch (error) {
      if (ready === started) ready = undefined
      console.error(`curator ${worker}: cold start failed`, error)
      const failure = new Error(`${worker} could not start: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
      failure.name = "InternalDefectError"
      throw failure
    }
    return task(event)
  }
}
