/**
 * video-worker on AWS Lambda: the image's `CMD ["lambda.handler"]` names
 * `handler` (dist/apps/video-worker/lambda.mjs); the bundle function is the
 * same image with the CMD overridden to `lambda.bundleHandler` (infra).
 *
 * Services, built once per cold start: the AWS stores
 * (`AwsStores.layerFromEnv`: BlobStore on S3, SessionStore and PostStore on
 * DynamoDB) and the same services the local stack composes for each task:
 * - `handler` (lazily, on the first invocation, and again after a failed
 *   one): `Media.layer` (ProcessRunner, MetadataReader, VideoProbe,
 *   VideoEnhancer, AiPreviewEncoder; ffmpeg/ffprobe from `MEDIA_*`) and the
 *   VideoAnalyzer: with `CURATOR_GEMINI_KEY_PARAMETER` set, the Gemini key is
 *   read from that SSM SecureString (`readCheckedGeminiConfig` from
 *   `@curator/ai/aws`, as the selection-worker: every configured model checked
 *   with `models.get`, an unknown or retired one fails the cold start naming
 *   its variable) and `VideoAnalyzerGemini` is used (the H.264/AAC MP4 preview
 *   inline or through the Files API, VideoAdjustments out; model
 *   `CURATOR_GEMINI_MODEL_VIDEO_ANALYSIS`); a parameter that cannot be read
 *   fails the cold start (Error named `InternalDefectError`), never a silent
 *   offline fallback; not set: `VideoAnalyzer.layerOffline`;
 * - `bundleHandler`: `Media.layer` and `GpsStripper.layer` (ExifTool from
 *   `MEDIA_EXIFTOOL_PATH`, perl from the image; docker/Dockerfile.heavy).
 *
 * All read `AWS_REGION`; `CURATOR_SSM_ENDPOINT` points SSM at a stand-in (tests).
 */
import { GeminiClient, type GeminiConfig, VideoAnalyzer, VideoAnalyzerGemini } from "@curator/ai"
import { type LambdaEnv, lazyColdStart, readCheckedGeminiConfig } from "@curator/ai/aws"
import { GpsStripper, Media } from "@curator/media"
import { AwsStores } from "@curator/store/aws"
import { ConfigProvider, Layer } from "effect"
import { makeBundleHandler, makeHandler } from "./main.js"

/** The VideoAnalyzer for the settings: Gemini when given, else offline (the same rule as the local stack). */
export const videoAnalyzerLayer = (gemini: GeminiConfig | null): Layer.Layer<VideoAnalyzer> =>
  gemini === null ? VideoAnalyzer.layerOffline : VideoAnalyzerGemini.pipe(Layer.provide(GeminiClient.layer(gemini)))

const coldStart = async (env: LambdaEnv) => {
  const gemini = await readCheckedGeminiConfig(env)
  console.info(`curator video-worker: ${gemini === null ? "offline video analyzer" : `Gemini video analyzer (${gemini.models.videoAnalysis})`}`)
  const provider = ConfigProvider.fromEnv({ env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)) })
  return makeHandler(Layer.mergeAll(AwsStores.layerFromEnv, Media.layer, videoAnalyzerLayer(gemini)).pipe(Layer.provide(ConfigProvider.layer(provider))))
}

/** A video handler over `env` (default `process.env`) with a lazy, retried cold start. Exported for tests. */
export const makeLambdaHandler = (options: { readonly env?: LambdaEnv } = {}) => lazyColdStart("video-worker", () => coldStart(options.env ?? process.env))

/** The Lambda handler: an EnhancementPipeline video iteration's event -> `VideoEnhanceTaskResult`, or a thrown Error named by the tag. */
export const handler = makeLambdaHandler()

/** The bundle Lambda handler: a DownloadPipeline Map iteration's `BundleTaskEvent` -> `BundleTaskResult`, or a thrown Error named by the tag. */
export const bundleHandler = makeBundleHandler(Layer.mergeAll(AwsStores.layerFromEnv, GpsStripper.layer.pipe(Layer.provideMerge(Media.layer))))
