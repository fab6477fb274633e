/**
 * The local stack (ARCHITECTURE.md "Local and cloud layers"): every service of
 * Curator in one process, with no cloud account and no AI key —
 * blobs in `<dataDir>/blobs`, sessions in an in-process dynalite persisted in
 * `<dataDir>/db` (the SAME SessionStore code as on AWS), the media services,
 * the offline SelectionModel (the Gemini one when `gemini` settings are given), and the SelectionPipeline ASL run in-process by
 * `LocalOrchestrator` with its Task states bound by name to the worker task
 * definitions (`thumbnailTask`, `selectionTask`) wrapped by the same
 * `makeTaskHandler` the Lambda apps use; likewise the EnhancementPipeline
 * (`photoEnhancementTask`, `videoEnhancementTask`, offline PhotoEditor and
 * VideoAnalyzer); the CaptionPipeline (`captionTask`, the offline Captioner
 * or the Gemini one) and the DownloadPipeline (`bundleTask`, with the
 * ExifTool GpsStripper).
 *
 * On start it sweeps expired records (dynalite has no TTL) and fails jobs a
 * previous process left running (reconciliation: no job stays "running").
 */
import path from "node:path"
import {
  captionTask,
  type CaptionTaskServices,
  Captioner,
  CaptionerGemini,
  GeminiClient,
  type GeminiConfig,
  PhotoEditor,
  PhotoEditorGemini,
  photoEnhancementTask,
  type PhotoEnhancementTaskServices,
  SelectionModel,
  SelectionModelGemini,
  selectionTask,
  type SelectionTaskServices,
  VideoAnalyzer,
  VideoAnalyzerGemini,
  videoEnhancementTask,
  type VideoEnhancementTaskServices
} from "@curator/ai"
import { bundleTask, type BundleTaskServices, GpsStripper, Media, type MediaSettings, thumbnailTask, type ThumbnailTaskServices } from "@curator/media"
import {
  CaptionStates,
  captionPipeline,
  DownloadStates,
  downloadPipeline,
  EnhancementStates,
  enhancementPipeline,
  makeTaskHandler,
  SelectionStates,
  selectionPipeline
} from "@curator/orchestration"
import { BlobStore, DynamoDb, PostStore, SessionStore } from "@curator/store"
import { SessionStoreLocal } from "@curator/store/local"
import { Context, Effect, Layer } from "effect"
import { LocalMachines } from "./LocalExecutor.js"
import { LocalOrchestrator } from "./LocalOrchestrator.js"
import { reconcileInterruptedJobs } from "./reconcile.js"

/** The services the worker handlers run on. */
export type WorkerServices =
  | ThumbnailTaskServices
  | SelectionTaskServices
  | PhotoEnhancementTaskServices
  | VideoEnhancementTaskServices
  | BundleTaskServices
  | CaptionTaskServices

/** Options of the local stack. */
export interface LocalStackOptions {
  /** The data folder (the caller holds its lock, see DataDirLock). */
  readonly dataDir: string
  /** Retry pauses per state in ms (tests pass zeros). */
  readonly retryIntervalOverrides?: Readonly<Record<string, number | ReadonlyArray<number>>>
  /** Media settings (limits, decoders); default from `MEDIA_*` environment variables. */
  readonly media?: Partial<MediaSettings>
  /**
   * Gemini settings (`geminiConfigFromEnv(process.env)`): given -> the Gemini SelectionModel,
   * PhotoEditor, VideoAnalyzer and Captioner (one client); absent or null (no `GEMINI_API_KEY`) -> the
   * offline ones, no network.
   */
  readonly gemini?: GeminiConfig | null
}

/** The AI services for the options: Gemini (one client) when a config is given, else offline. */
const aiLayer = (gemini: GeminiConfig | null | undefined): Layer.Layer<SelectionModel | PhotoEditor | VideoAnalyzer | Captioner> =>
  gemini === undefined || gemini === null
    ? Layer.mergeAll(SelectionModel.layerOffline, PhotoEditor.layerOffline, VideoAnalyzer.layerOffline, Captioner.layerOffline)
    : Layer.mergeAll(SelectionModelGemini, PhotoEditorGemini, VideoAnalyzerGemini, CaptionerGemini).pipe(Layer.provide(GeminiClient.layer(gemini)))

/** Function ARNs the local definition names; never invoked (states are bound by name). */
const localFunctionArn = (app: string) => `arn:aws:lambda:local:000000000000:function:curator-${app}`

/** The local stack's layers. */
export const LocalStack = {
  /** Everything: BlobStore, SessionStore, PostStore, DynamoDb, media services (GpsStripper included), the AI services (offline unless `gemini` is given), Orchestrator, LocalOrchestrator. */
  layer: (options: LocalStackOptions) => {
    const base = Layer.mergeAll(
      BlobStore.layerLocal({ root: path.join(options.dataDir, "blobs") }),
      SessionStoreLocal.layer({ dataDir: options.dataDir }),
      GpsStripper.layer.pipe(Layer.provideMerge(options.media === undefined ? Media.layer : Media.layerWith(options.media))),
      aiLayer(options.gemini)
    )
    const orchestrator = Layer.unwrap(
      Effect.gen(function* () {
        const services = yield* Effect.context<WorkerServices | DynamoDb>()
        const sessions = Context.get(services, SessionStore)
        const layer = Layer.succeedContext(services)
        const definition = selectionPipeline({
          thumbnailFunctionArn: localFunctionArn("thumbnail-worker"),
          selectionFunctionArn: localFunctionArn("selection-worker"),
          tableName: sessions.tableName
        })
        return LocalOrchestrator.layer({
          machines: {
            [LocalMachines.selection]: {
              definition,
              // The same task definitions the worker apps wrap: decode -> program -> encode, or throw an Error named by the tag.
              handlers: {
                [SelectionStates.makeThumbnail]: makeTaskHandler({ ...thumbnailTask, layer }),
                [SelectionStates.selectMedia]: makeTaskHandler({ ...selectionTask, layer })
              }
            },
            [LocalMachines.enhancement]: {
              definition: enhancementPipeline({
                photoFunctionArn: localFunctionArn("enhancement-worker"),
                videoFunctionArn: localFunctionArn("video-worker"),
                tableName: sessions.tableName
              }),
              handlers: {
                [EnhancementStates.enhancePhoto]: makeTaskHandler({ ...photoEnhancementTask, layer }),
                [EnhancementStates.enhanceVideo]: makeTaskHandler({ ...videoEnhancementTask, layer })
              }
            },
            [LocalMachines.caption]: {
              definition: captionPipeline({ captionFunctionArn: localFunctionArn("caption-worker"), tableName: sessions.tableName }),
              handlers: { [CaptionStates.writeCaption]: makeTaskHandler({ ...captionTask, layer }) }
            },
            [LocalMachines.download]: {
              definition: downloadPipeline({ bundleFunctionArn: localFunctionArn("bundle-worker"), tableName: sessions.tableName }),
              handlers: { [DownloadStates.bundlePost]: makeTaskHandler({ ...bundleTask, layer }) }
            }
          },
          dynamoDb: Context.get(services, DynamoDb).client,
          ...(options.retryIntervalOverrides === undefined ? {} : { retryIntervalOverrides: options.retryIntervalOverrides })
        })
      })
    )
    const startup = Layer.effectDiscard(
      Effect.gen(function* () {
        const sessions = yield* SessionStore
        yield* sessions.sweepExpired(Math.floor(Date.now() / 1000))
        const interrupted = yield* reconcileInterruptedJobs({
          listRunning: sessions.listRunningSelectionJobs(),
          fail: (job, failure) =>
            sessions
              .failSelectionJob(job.sessionId, job.jobId, failure.errorTag, failure.errorMessage, new Date().toISOString())
              .pipe(Effect.catchTag("StoreConflictError", () => Effect.void), Effect.catchTag("NotFoundError", () => Effect.void))
        })
        const interruptedEnhancements = yield* reconcileInterruptedJobs({
          listRunning: sessions.listRunningEnhancementJobs(),
          fail: (job, failure) =>
            sessions
              .failEnhancementJob(job.sessionId, job.jobId, failure.errorTag, failure.errorMessage, new Date().toISOString())
              .pipe(Effect.catchTag("StoreConflictError", () => Effect.void), Effect.catchTag("NotFoundError", () => Effect.void))
        })
        const posts = yield* PostStore
        const now = () => new Date().toISOString()
        const interruptedCaptions = yield* reconcileInterruptedJobs({
          listRunning: posts
            .listRunningCaptionJobs()
            .pipe(Effect.map((jobs) => jobs.map(({ sessionId, jobId, record }) => ({ sessionId, jobId, execution: record.execution })))),
          fail: (job, failure) => posts.failCaptionJob(job.sessionId, job.jobId, { ...failure, finishedAt: now() })
        })
        const interruptedDownloads = yield* reconcileInterruptedJobs({
          listRunning: posts.listRunningDownloadJobs(),
          fail: (job, failure) => posts.failDownloadJob(job.sessionId, job.jobId, { ...failure, finishedAt: now() })
        })
        const count = interrupted.length + interruptedEnhancements.length + interruptedCaptions.length + interruptedDownloads.length
        if (count > 0) yield* Effect.logWarning(`Marked ${count} interrupted job(s) as failed`)
      })
    )
    return startup.pipe(Layer.provideMerge(orchestrator), Layer.provideMerge(base))
  }
}
