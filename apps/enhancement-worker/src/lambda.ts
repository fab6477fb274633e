/**
 * enhancement-worker on AWS Lambda: `handler` is the function the image's
 * `CMD ["lambda.handler"]` names (dist/apps/enhancement-worker/lambda.mjs).
 *
 * Services, built once per cold start (lazily, on the first invocation, and
 * again after a failed one): the AWS stores (`AwsStores.layerFromEnv`), the
 * same media services the local stack composes for this task (`Media.layer`:
 * PhotoRenderer, ProcessRunner; settings from `MEDIA_*`, heif-convert for HEIC
 * originals) and the PhotoEditor:
 *
 * - `CURATOR_GEMINI_KEY_PARAMETER` set: the Gemini key is read from that SSM
 *   SecureString (as the selection-worker does, `readCheckedGeminiConfig` from
 *   `@curator/ai/aws`) and the Gemini PhotoEditor is used (`PhotoEditorGemini`:
 *   image-model edit, self-check, second pass; models from
 *   `CURATOR_GEMINI_MODEL_PHOTO_EDIT` / `_PHOTO_REVIEW`), every configured
 *   model checked with `models.get` first (`readCheckedGeminiConfig`: an
 *   unknown or retired one fails the cold start naming its variable). A
 *   parameter that cannot be read fails the cold start (Error named
 *   `InternalDefectError`), never a silent offline fallback.
 * - not set: `PhotoEditor.layerOffline`.
 *
 * All read `AWS_REGION`; `CURATOR_SSM_ENDPOINT` points SSM at a stand-in (tests).
 */
import { GeminiClient, type GeminiConfig, PhotoEditor, PhotoEditorGemini } from "@curator/ai"
import { type LambdaEnv, lazyColdStart, readCheckedGeminiConfig } from "@curator/ai/aws"
import { Media } from "@curator/media"
import { AwsStores } from "@curator/store/aws"
import { ConfigProvider, Layer } from "effect"
import { makeHandler } from "./main.js"

/** The PhotoEditor for the settings: Gemini when given, else offline (the same rule as the local stack). */
export const photoEditorLayer = (gemini: GeminiConfig | null): Layer.Layer<PhotoEditor> =>
  gemini === null ? PhotoEditor.layerOffline : PhotoEditorGemini.pipe(Layer.provide(GeminiClient.layer(gemini)))

const coldStart = async (env: LambdaEnv) => {
  const gemini = await readCheckedGeminiConfig(env)
  console.info(`curator enhancement-worker: ${gemini === null ? "offline photo editor" : `Gemini photo editor (${gemini.models.photoEdit})`}`)
  const provider = ConfigProvider.fromEnv({ env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)) })
  return makeHandler(Layer.mergeAll(AwsStores.layerFromEnv, Media.layer, photoEditorLayer(gemini)).pipe(Layer.provide(ConfigProvider.layer(provider))))
}

/** A handler over `env` (default `process.env`) with a lazy, retried cold start. Exported for tests. */
export const makeLambdaHandler = (options: { readonly env?: LambdaEnv } = {}) => lazyColdStart("enhancement-worker", () => coldStart(options.env ?? process.env))

/** The Lambda handler: an EnhancementPipeline photo iteration's event -> `PhotoEnhanceTaskResult`, or a thrown Error named by the tag. */
export const handler = makeLambdaHandler()
