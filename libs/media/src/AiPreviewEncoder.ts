/**
 * AiPreviewEncoder: the compressed preview of a video that the AI model (Gemini) receives
 * instead of the original (issue 6; format by issue 16): MP4, H.264 video + mono AAC audio —
 * a container and codecs Google documents for Gemini video input (video/mp4), where the former
 * AV1-in-WebM was not a documented pairing.
 *
 * - Video: {@link AI_PREVIEW_MAX_FPS} fps (ffmpeg `fps` filter: frames dropped from a faster source;
 *   a slower source gets repeated frames) and at most {@link AI_PREVIEW_MAX_EDGE} px on the longer
 *   side (never upscaled; the other side from the displayed aspect ratio, both even). ffmpeg
 *   autorotates by the display matrix and the preview carries none, so the pixels are upright (a
 *   rotated phone clip comes out portrait). libx264, CRF {@link AiPreviewSettings.crf} (default 28),
 *   preset {@link AiPreviewSettings.preset} (default veryfast), High profile, `yuv420p` (8-bit
 *   4:2:0, what every H.264 decoder takes), `-movflags +faststart` (the index first, so a reader
 *   can start before the end of the file).
 * - Audio: the first audio stream as mono AAC-LC {@link AI_PREVIEW_AUDIO_BITRATE}; no audio in ->
 *   no audio stream out. Duration follows the source (no trimming, no -shortest).
 * - Metadata: container and stream metadata are dropped (`-map_metadata -1`): the model gets no
 *   GPS or device tags from the file (the prompt carries what it needs).
 * - Source facts (displayed size, duration, audio presence): from the caller's `MediaMetadata` when
 *   given (the AI task has it from the inspection, which probed the file already), else from one
 *   ffprobe run (an ffprobe start costs 60-140 ms on this machine; docs/performance.md).
 * - Budget: like VideoEnhancer, duration x displayed pixels is compared with what
 *   {@link AiPreviewSettings.pixelsPerSecond} can encode within `timeBudget` BEFORE encoding; past it
 *   the call fails with a terminal `MediaTooLargeError` that says why. The budget is also the kill
 *   timeout of the encode.
 * - Hardening: everything runs through ProcessRunner (guarded input, `-nostdin`, protocol
 *   whitelist, `file:` path, forced `mov` demuxer, SIGKILL on timeout, per-call temp dir). An
 *   unreadable input (e.g. a truncated MOV with no `moov`) fails with `CorruptMediaError`.
 *
 * Preset by measurement (bare ffmpeg, CRF 28, the 3 video fixtures, 15.8 s of video, interleaved
 * rounds on the loaded 2-core machine; docs/performance.md "Issue 16"): veryfast 6.9 s / 1.13 MB,
 * ultrafast 4.1 s / 1.93 MB (+71 % bytes), faster 8.0 s / 1.18 MB, medium 9.5 s / 1.20 MB.
 */
import { copyFile, mkdir, stat } from "node:fs/promises"
import path from "node:path"
import { Config, Context, Duration, Effect, Layer } from "effect"
import { type CorruptMediaError, MediaTooLargeError, type MediaToolTimeoutError, type UnsupportedMediaError } from "@curator/contracts"
import { ProcessRunner } from "./ProcessRunner.js"
import { filterPath } from "./internal/videoSignal.js"
import type { MediaMetadata } from "./MetadataReader.js"
import { readVideoStreams } from "./internal/videoStreams.js"

/** Largest frame rate of the preview, frames per second (issue 6: "at most 5 fps"). */
export const AI_PREVIEW_MAX_FPS = 5
/** Largest longer side of the preview in px (issue 16: "<= 768 px"); smaller sources keep their size. */
export const AI_PREVIEW_MAX_EDGE = 768
/** AAC bitrate of the preview's mono audio: 32 kb/s, the lowest AAC-LC rate at which speech stays clear (Opus' 24k of issue 6 + AAC's lower efficiency). */
export const AI_PREVIEW_AUDIO_BITRATE = "32k"
/** The preview's MIME type (Gemini's documented `video/mp4`). */
export const AI_PREVIEW_MIME = "video/mp4"

/**
 * The encoder settings.
 * - `crf`: x264 constant rate factor (0-51); 28: small files (~1 MB per 10 s), content still readable.
 * - `preset`: x264 speed preset (`ultrafast` .. `veryslow`); `veryfast` by measurement (module doc).
 * - `pixelsPerSecond`: displayed px x seconds of SOURCE video this machine turns into a preview per
 *   second of wall time (probe + decode + scale + encode). Default 1,000,000: the GoPro fixture
 *   (4.27 M px·s) took 1.57 s under load (2.7 M px·s/s); the default assumes both cores are shared,
 *   as in the enhancement budget. Env `MEDIA_AI_PREVIEW_PIXELS_PER_SECOND`.
 * - `timeBudget`: wall time one preview may take, and its kill timeout; default 5 minutes (the AI
 *   call itself still has to fit in the same Lambda invocation). Env `MEDIA_AI_PREVIEW_TIME_BUDGET`.
 */
export interface AiPreviewSettings {
  readonly crf: number
  readonly preset: string
  readonly pixelsPerSecond: number
  readonly timeBudget: Duration.Duration
}

/** The defaults documented on {@link AiPreviewSettings}. */
export const defaultAiPreviewSettings: AiPreviewSettings = {
  crf: 28,
  preset: "veryfast",
  pixelsPerSecond: 1_000_000,
  timeBudget: Duration.minutes(5)
}

/** Reads {@link AiPreviewSettings} from the environment, defaults otherwise. */
export const aiPreviewSettingsConfig: Config.Config<AiPreviewSettings> = Config.all({
  crf: Config.Number("MEDIA_AI_PREVIEW_CRF").pipe(Config.withDefault(defaultAiPreviewSettings.crf)),
  preset: Config.String("MEDIA_AI_PREVIEW_PRESET").pipe(Config.withDefault(defaultAiPreviewSettings.preset)),
  pixelsPerSecond: Config.Number("MEDIA_AI_PREVIEW_PIXELS_PER_SECOND").pipe(Config.withDefault(defaultAiPreviewSettings.pixelsPerSecond)),
  timeBudget: Config.Duration("MEDIA_AI_PREVIEW_TIME_BUDGET").pipe(Config.withDefault(defaultAiPreviewSettings.timeBudget))
})

/**
 * The preview's size for a source of `width` x `height` displayed px: the longer side <=
 * {@link AI_PREVIEW_MAX_EDGE} and never larger than the source, the other from the aspect ratio,
 * both even (4:2:0 needs even sizes).
 */
export const aiPreviewGeometry = (source: { readonly width: number; readonly height: number }) => {
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2)
  const longer = Math.max(2, Math.floor(Math.min(AI_PREVIEW_MAX_EDGE, Math.max(source.width, source.height)) / 2) * 2)
  return source.width >= source.height
    ? { width: longer, height: even((source.height * longer) / source.width) }
    : { width: even((source.width * longer) / source.height), height: longer }
}

/**
 * The ffmpeg output arguments of a preview (after the hardened input): video map + fps + scale,
 * x264 High yuv420p, optional mono AAC, no metadata, MP4 with `+faststart`. Exported so the
 * benchmark runs the bare command with exactly these settings.
 */
export const aiPreviewOutputArgs = (
  geometry: { readonly width: number; readonly height: number },
  hasAudio: boolean,
  settings: Pick<AiPreviewSettings, "crf" | "preset">
): ReadonlyArray<string> => [
  "-map", "0:v:0",
  ...(hasAudio ? ["-map", "0:a:0", "-c:a", "aac", "-b:a", AI_PREVIEW_AUDIO_BITRATE, "-ac", "1"] : ["-an"]),
  "-sn", "-dn",
  "-map_metadata", "-1", "-map_chapters", "-1",
  "-vf", `fps=${AI_PREVIEW_MAX_FPS},scale=${geometry.width}:${geometry.height},format=yuv420p`,
  "-c:v", "libx264", "-preset", settings.preset, "-crf", String(settings.crf), "-profile:v", "high", "-pix_fmt", "yuv420p",
  "-movflags", "+faststart",
  "-f", "mp4"
]

/** A written preview: its path, size in bytes and px, frame rate (fps), duration of the source (s), audio presence. */
export interface AiVideoPreview {
  readonly path: string
  readonly bytes: number
  readonly width: number
  readonly height: number
  readonly fps: number
  readonly durationSeconds: number
  readonly hasAudio: boolean
  readonly mime: typeof AI_PREVIEW_MIME
}

/**
 * Where to write: `outDir` (created if missing); `name` is the file stem (default: the input's stem
 * + `.ai`). `metadata`: the video's MetadataReader result, when the caller has it (saves a probe).
 */
export interface AiPreviewOptions {
  readonly outDir: string
  readonly name?: string
  readonly metadata?: Pick<MediaMetadata, "width" | "height" | "durationSeconds" | "hasAudio">
}

/** The errors of {@link AiPreviewEncoder.video}. */
export type AiPreviewError = MediaTooLargeError | UnsupportedMediaError | CorruptMediaError | MediaToolTimeoutError

const make = (settings: AiPreviewSettings) =>
  Effect.gen(function* () {
    const runner = yield* ProcessRunner
    const budgetSeconds = Duration.toSeconds(settings.timeBudget)

    const video = Effect.fn("AiPreviewEncoder.video")(function* (input: string, options: AiPreviewOptions) {
      const known = options.metadata
      const source =
        known !== undefined && known.durationSeconds !== null && known.hasAudio !== null
          ? { width: known.width, height: known.height, durationSeconds: known.durationSeconds, hasAudio: known.hasAudio }
          : yield* readVideoStreams(runner, input)
      const pixelSeconds = source.width * source.height * source.durationSeconds
      const estimate = pixelSeconds / settings.pixelsPerSecond
      if (estimate > budgetSeconds) {
        return yield* new MediaTooLargeError({
          message:
            `${source.width}x${source.height} px x ${source.durationSeconds.toFixed(1)} s is ${(pixelSeconds / 1e6).toFixed(1)} M px·s: ` +
            `its AI preview would take about ${Math.round(estimate)} s at ${settings.pixelsPerSecond} px·s per second, ` +
            `over the ${Math.round(budgetSeconds)} s budget (not encoded)`
        })
      }
      const geometry = aiPreviewGeometry(source)
      yield* Effect.promise(() => mkdir(options.outDir, { recursive: true }))
      const output = path.join(options.outDir, `${options.name ?? `${path.parse(input).name}.ai`}.mp4`)
      yield* Effect.scoped(
        Effect.gen(function* () {
          const tmp = path.join(filterPath(yield* runner.tempDir), "preview.mp4")
          yield* runner.ffmpeg(input, (command) => command.outputOptions([...aiPreviewOutputArgs(geometry, source.hasAudio, settings)]).output(tmp), {
            demuxer: "mov",
            timeout: settings.timeBudget
          })
          yield* Effect.promise(() => copyFile(tmp, output))
        })
      )
      const { size } = yield* Effect.promise(() => stat(output))
      return {
        path: output,
        bytes: size,
        ...geometry,
        fps: AI_PREVIEW_MAX_FPS,
        durationSeconds: source.durationSeconds,
        hasAudio: source.hasAudio,
        mime: AI_PREVIEW_MIME
      } satisfies AiVideoPreview
    })

    return AiPreviewEncoder.of({ video })
  })

/** The service. */
export class AiPreviewEncoder extends Context.Service<AiPreviewEncoder, {
  /**
   * Encodes the AI preview of the video at `path` (module doc) into `<outDir>/<name>.mp4` and
   * returns what was written. Fails with `MediaTooLargeError` (over the time budget, before
   * encoding), `CorruptMediaError` (unreadable input), `MediaToolTimeoutError` (killed at the
   * budget), `UnsupportedMediaError` (refused input: protocol, playlist).
   */
  readonly video: (path: string, options: AiPreviewOptions) => Effect.Effect<AiVideoPreview, AiPreviewError>
}>()("curator/media/AiPreviewEncoder") {
  /** Settings from the environment (`MEDIA_AI_PREVIEW_*`). */
  static readonly layer = Layer.effect(AiPreviewEncoder, Effect.flatMap(aiPreviewSettingsConfig, make))

  /** Fixed settings: the defaults with `overrides` applied (tests, benchmarks). */
  static readonly layerWith = (overrides: Partial<AiPreviewSettings>) => Layer.effect(AiPreviewEncoder, make({ ...defaultAiPreviewSettings, ...overrides }))
}
