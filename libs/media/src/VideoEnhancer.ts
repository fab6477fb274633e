/**
 * VideoEnhancer: applies `VideoAdjustments` to a video with ffmpeg and writes an H.264 + AAC
 * MP4 (`+faststart`, moov before mdat, so browsers start playing before the download ends)
 * plus a small preview clip.
 *
 * - Filter graph (one pass; {@link videoFilterChain}): HDR tone map (zscale + tonemap, Hable) ->
 *   hqdn3d -> vidstabtransform (two-pass libvidstab: a `vidstabdetect` pass first) -> eq ->
 *   colorbalance -> unsharp -> 8-bit 4:2:0.
 * - Rotation: ffmpeg autorotates by the display matrix before the filters and writes no display
 *   matrix, so the pixels themselves are upright (a rotated phone clip comes out portrait, rotation 0).
 * - Audio: the first audio stream is copied when it is AAC already, else re-encoded to AAC
 *   160 kb/s; no audio in -> no audio out. Duration follows the source (no trimming, no -shortest).
 * - Budget: before any encoding, duration x displayed pixels is compared with what
 *   {@link VideoEnhancerSettings.encodePixelsPerSecond} can encode within `timeBudget`; past it the
 *   call fails with a terminal `MediaTooLargeError` that says why.
 * - Previews: each round's preview clip is re-encoded from its enhanced MP4, and the comparison's
 *   "before" clip from the source with only the tone map, both by one preview encoder (first
 *   {@link PREVIEW_SECONDS} s, long edge <= {@link PREVIEW_EDGE} px), so they match frame for frame.
 */
import { copyFile, mkdir } from "node:fs/promises"
import path from "node:path"
import { Config, Context, Duration, Effect, Layer } from "effect"
import {
  type CorruptMediaError,
  IDENTITY_VIDEO_ADJUSTMENTS,
  MediaTooLargeError,
  type MediaToolTimeoutError,
  type UnsupportedMediaError,
  type VideoAdjustments,
  type VideoHdrTransfer
} from "@curator/contracts"
import type { MediaMetadata } from "./MetadataReader.js"
import { guardInput, ProcessRunner } from "./ProcessRunner.js"
import { filterPath } from "./internal/videoSignal.js"
import { VIDEO_CAPTURE_TAGS } from "./internal/videoCaptureTags.js"
import { readVideoStreams } from "./internal/videoStreams.js"

/**
 * The encoder settings.
 * - `encodePixelsPerSecond`: how many displayed px x seconds of video this machine enhances per
 *   second of wall time (probe + full filter chain + libx264 `veryfast` + preview). Default 300,000.
 *   Measured on this 2-core machine with the 10.5 s 848x480 GoPro fixture (4.28 M px·s): 1.05 M px·s/s
 *   for the bare encode when idle, 550-670 k px·s/s for the whole `enhance` call when idle (all three
 *   video fixtures), 210-470 k px·s/s while other jobs loaded both cores. The loaded low end, rounded,
 *   is the default, so the estimate errs on refusing rather than on being killed. At that rate
 *   1080p x 60 s takes about 415 s. Env `MEDIA_ENCODE_PIXELS_PER_SECOND`.
 * - `timeBudget`: the wall time one enhancement may take; default 10 minutes, leaving room in
 *   Lambda's 15-minute limit for download, analysis and upload. Env `MEDIA_ENHANCE_TIME_BUDGET`.
 *   It is also the kill timeout of the encode.
 * - `preset`, `crf`: libx264 speed preset and quality (CRF 20: visually near-transparent for
 *   phone footage; `veryfast` because 2 cores must fit the budget; x264 docs / ffmpeg H.264 guide).
 */
export interface VideoEnhancerSettings {
  readonly encodePixelsPerSecond: number
  readonly timeBudget: Duration.Duration
  readonly preset: string
  readonly crf: number
}

export { VIDEO_CAPTURE_TAGS } from "./internal/videoCaptureTags.js"

/** The defaults documented on {@link VideoEnhancerSettings}. */
export const defaultVideoEnhancerSettings: VideoEnhancerSettings = {
  encodePixelsPerSecond: 300_000,
  timeBudget: Duration.minutes(10),
  preset: "veryfast",
  crf: 20
}

/**
 * Cost multipliers over a plain enhancement, measured on the GoPro fixture (veryfast, idle machine):
 * plain chain 4.1 s; two-pass stabilisation 2.4 s detect + 5.4 s transform-and-encode = 7.8 s (x1.9,
 * rounded up to 2); float tone mapping (zscale in 32-bit float RGB + tonemap) 5.8 s (x1.4, rounded to 1.5).
 */
export const STABILISE_COST = 2
export const TONE_MAP_COST = 1.5

/** Preview clip: longest edge in px, length in s, CRF and audio bitrate (small and quick to load). */
export const PREVIEW_EDGE = 480
export const PREVIEW_SECONDS = 6
const PREVIEW_CRF = 28

/** What `enhance` wrote: paths of the MP4 and its preview, and the output's duration (s) and audio presence. */
export interface EnhancedVideo {
  readonly output: string
  readonly preview: string
  readonly durationSeconds: number
  readonly hasAudio: boolean
}

/** Where to write: `outDir` (created if missing); `name` is the file stem (default: the input's stem + `-enhanced`). */
export interface EnhanceOptions {
  readonly outDir: string
  readonly name?: string
}

/** The errors of `enhance`. */
export type VideoEnhancerError = MediaTooLargeError | UnsupportedMediaError | CorruptMediaError | MediaToolTimeoutError

const num = (n: number) => Number(n.toFixed(4)).toString()

/**
 * The `-vf` chain for `adjustments` (see `VideoAdjustments` for each parameter's filter).
 * `transforms`: the vidstabdetect result file when stabilising. Always ends in 8-bit yuv420p.
 */
export const videoFilterChain = (adjustments: VideoAdjustments, transforms?: string): string => {
  const filters: Array<string> = []
  if (adjustments.toneMap !== "none") {
    // HDR -> linear light -> BT.709 primaries -> Hable tone curve -> BT.709 transfer (zscale/tonemap docs).
    const tin = adjustments.toneMap === "hlg" ? "arib-std-b67" : "smpte2084"
    filters.push(
      `zscale=tin=${tin}:pin=bt2020:min=bt2020nc:t=linear:npl=100`,
      "format=gbrpf32le",
      "zscale=p=bt709",
      "tonemap=tonemap=hable:desat=0",
      "zscale=t=bt709:m=bt709:r=tv"
    )
  }
  if (adjustments.denoise > 0) {
    const d = adjustments.denoise
    filters.push(`hqdn3d=${num(d)}:${num(d * 0.75)}:${num(d * 1.5)}:${num(d * 1.125)}`)
  }
  if (adjustments.stabilise && transforms !== undefined) {
    filters.push(`vidstabtransform=input=${filterPath(transforms)}:smoothing=15:optzoom=1`)
  }
  const { brightness, contrast, saturation, gamma, warmth, sharpen } = adjustments
  if (brightness !== 0 || contrast !== 1 || saturation !== 1 || gamma !== 1) {
    filters.push(`eq=brightness=${num(brightness)}:contrast=${num(contrast)}:saturation=${num(saturation)}:gamma=${num(gamma)}`)
  }
  if (warmth !== 0) filters.push(`colorbalance=rm=${num(warmth)}:bm=${num(-warmth)}`)
  if (sharpen > 0) filters.push(`unsharp=5:5:${num(sharpen)}:5:5:0`)
  filters.push("format=yuv420p")
  return filters.join(",")
}

/** Estimated wall seconds to enhance `pixelSeconds` (px x s) with `adjustments`. */
export const estimateEncodeSeconds = (pixelSeconds: number, adjustments: VideoAdjustments, settings: VideoEnhancerSettings): number =>
  (pixelSeconds / settings.encodePixelsPerSecond) *
  (adjustments.stabilise ? STABILISE_COST : 1) *
  (adjustments.toneMap !== "none" ? TONE_MAP_COST : 1)

/** Reads {@link VideoEnhancerSettings} from the environment, defaults otherwise. */
export const videoEnhancerSettingsConfig: Config.Config<VideoEnhancerSettings> = Config.all({
  encodePixelsPerSecond: Config.Number("MEDIA_ENCODE_PIXELS_PER_SECOND").pipe(Config.withDefault(defaultVideoEnhancerSettings.encodePixelsPerSecond)),
  timeBudget: Config.Duration("MEDIA_ENHANCE_TIME_BUDGET").pipe(Config.withDefault(defaultVideoEnhancerSettings.timeBudget)),
  preset: Config.String("MEDIA_X264_PRESET").pipe(Config.withDefault(defaultVideoEnhancerSettings.preset)),
  crf: Config.Number("MEDIA_X264_CRF").pipe(Config.withDefault(defaultVideoEnhancerSettings.crf))
})

const even = "force_divisible_by=2"

/** The `-vf` of a preview clip: `filters` (may be empty) then the scale into {@link PREVIEW_EDGE} px, 8-bit 4:2:0. */
export const previewFilterChain = (filters: string): string =>
  `${filters === "" ? "" : `${filters},`}scale=w=min(${PREVIEW_EDGE}\\,iw):h=min(${PREVIEW_EDGE}\\,ih):force_original_aspect_ratio=decrease:${even},format=yuv420p`

const make = (settings: VideoEnhancerSettings) =>
  Effect.gen(function* () {
    const runner = yield* ProcessRunner
    const budgetSeconds = Duration.toSeconds(settings.timeBudget)
    const timeout = settings.timeBudget

    /**
     * Encodes the preview clip of `input` into `output`: the first {@link PREVIEW_SECONDS} s,
     * `filters` then {@link previewFilterChain}'s scale, libx264 CRF {@link PREVIEW_CRF}, AAC 64 kb/s
     * when `hasAudio`, faststart. `bt709`: tag the stream BT.709 (a tone-mapped source's tags are HDR).
     * The rounds' previews and the "before" clip are all made here, so they match in size, length and codec.
     */
    const encodePreview = (input: string, hasAudio: boolean, filters: string, output: string, bt709 = false) =>
      Effect.scoped(
        runner.ffmpeg(
          input,
          (command) =>
            command
              .outputOptions([
                "-map", "0:v:0",
                ...(hasAudio ? ["-map", "0:a:0", "-c:a", "aac", "-b:a", "64k"] : ["-an"]),
                "-sn", "-dn",
                "-t", String(PREVIEW_SECONDS),
                "-vf", previewFilterChain(filters),
                "-c:v", "libx264", "-preset", settings.preset, "-crf", String(PREVIEW_CRF),
                "-pix_fmt", "yuv420p",
                ...(bt709 ? ["-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709"] : []),
                "-movflags", "+faststart",
                "-f", "mp4"
              ])
              .output(output),
          { demuxer: "mov", timeout }
        )
      )

    /**
     * Copies the capture date, place and camera of `source` into the encoded MP4 `target` (in place)
     * with ExifTool ({@link VIDEO_CAPTURE_TAGS}; numeric values, so ISO 6709 coordinates keep every
     * digit). ffmpeg's MP4 muxer writes none of them (only `creation_time`, through -map_metadata).
     * Tags the source lacks are skipped.
     */
    const copyCaptureTags = (source: string, target: string) =>
      runner.run(
        "exiftool",
        ["-q", "-q", "-m", "-n", "-overwrite_original", "-api", "largefilesupport=1", "-tagsFromFile", source, ...VIDEO_CAPTURE_TAGS.map((tag) => `-${tag}`), target],
        { timeout }
      )

    const enhance = Effect.fn("VideoEnhancer.enhance")(function* (
      input: string,
      metadata: MediaMetadata,
      adjustments: VideoAdjustments,
      options: EnhanceOptions
    ) {
      const source = yield* readVideoStreams(runner, input)
      const duration = metadata.durationSeconds ?? source.durationSeconds
      const pixelSeconds = source.width * source.height * duration
      const estimate = estimateEncodeSeconds(pixelSeconds, adjustments, settings)
      if (estimate > budgetSeconds) {
        return yield* new MediaTooLargeError({
          message:
            `${source.width}x${source.height} px x ${duration.toFixed(1)} s is ${(pixelSeconds / 1e6).toFixed(1)} M px·s: ` +
            `enhancing it would take about ${Math.round(estimate)} s at ${settings.encodePixelsPerSecond} px·s per second, ` +
            `over the ${Math.round(budgetSeconds)} s budget of one task (not encoded)`
        })
      }
      const stem = options.name ?? `${path.parse(input).name}-enhanced`
      yield* Effect.promise(() => mkdir(options.outDir, { recursive: true }))
      const output = path.join(options.outDir, `${stem}.mp4`)
      const preview = path.join(options.outDir, `${stem}.preview.mp4`)

      yield* Effect.scoped(
        Effect.gen(function* () {
          const work = filterPath(yield* runner.tempDir)
          const encoded = path.join(work, "enhanced.mp4")
          const previewTmp = path.join(work, "preview.mp4")
          let transforms: string | undefined
          if (adjustments.stabilise) {
            transforms = path.join(work, "motion.trf")
            const trf = transforms
            yield* runner.ffmpeg(
              input,
              (command, out) =>
                command
                  .outputOptions(["-map", "0:v:0", "-an", "-sn", "-dn", "-vf", `vidstabdetect=shakiness=5:accuracy=9:result=${trf}`, "-f", "null"])
                  .output(path.join(out, "discard.null")),
              { demuxer: "mov", timeout }
            )
          }
          const toneMapped = adjustments.toneMap !== "none"
          yield* runner.ffmpeg(
            input,
            (command) =>
              command
                .outputOptions([
                  "-map", "0:v:0",
                  ...(source.hasAudio ? ["-map", "0:a:0"] : ["-an"]),
                  "-sn", "-dn",
                  // The container's metadata: creation_time becomes the MP4's mvhd/tkhd/mdhd dates.
                  "-map_metadata", "0",
                  // The source's presentation length (its mvhd duration): a track that runs past it
                  // (an iPhone audio track longer than the movie) must not lengthen the output.
                  ...(source.durationSeconds > 0 ? ["-t", source.durationSeconds.toFixed(6)] : []),
                  "-vf", videoFilterChain(adjustments, transforms),
                  "-c:v", "libx264", "-preset", settings.preset, "-crf", String(settings.crf),
                  "-pix_fmt", "yuv420p",
                  ...(toneMapped ? ["-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709"] : []),
                  ...(source.hasAudio ? (source.audioCodec === "aac" ? ["-c:a", "copy"] : ["-c:a", "aac", "-b:a", "160k"]) : []),
                  "-movflags", "+faststart",
                  "-f", "mp4"
                ])
                .output(encoded),
            { demuxer: "mov", timeout }
          )
          yield* copyCaptureTags(yield* guardInput(input), encoded)
          yield* encodePreview(encoded, source.hasAudio, "", previewTmp)
          yield* Effect.promise(() => copyFile(encoded, output))
          yield* Effect.promise(() => copyFile(previewTmp, preview))
        })
      )
      const written = yield* readVideoStreams(runner, output)
      return { output, preview, durationSeconds: written.durationSeconds, hasAudio: written.hasAudio } satisfies EnhancedVideo
    })

    const before = Effect.fn("VideoEnhancer.before")(function* (input: string, toneMap: VideoHdrTransfer, options: EnhanceOptions) {
      const source = yield* readVideoStreams(runner, input)
      yield* Effect.promise(() => mkdir(options.outDir, { recursive: true }))
      const output = path.join(options.outDir, `${options.name ?? path.parse(input).name}.before.mp4`)
      // Identity adjustments except the tone map: videoFilterChain ends in format=yuv420p, which the scale repeats.
      const toneMapOnly = videoFilterChain({ ...IDENTITY_VIDEO_ADJUSTMENTS, toneMap })
      yield* Effect.scoped(
        Effect.gen(function* () {
          const tmp = path.join(filterPath(yield* runner.tempDir), "before.mp4")
          yield* encodePreview(input, source.hasAudio, toneMapOnly, tmp, toneMap !== "none")
          yield* Effect.promise(() => copyFile(tmp, output))
        })
      )
      return output
    })
    return VideoEnhancer.of({ enhance, before })
  })

/** The service. */
export class VideoEnhancer extends Context.Service<VideoEnhancer, {
  /**
   * Enhances the video at `path` (its `metadata` from MetadataReader) with `adjustments` into
   * `options.outDir`: `<name>.mp4` (H.264 + AAC, faststart, upright) and `<name>.preview.mp4`
   * (longest edge <= {@link PREVIEW_EDGE} px, first <= {@link PREVIEW_SECONDS} s). Returns the paths and
   * the output's duration (s) and audio presence. Fails with `MediaTooLargeError` (over the time
   * budget, before encoding), `CorruptMediaError`, `MediaToolTimeoutError`, `UnsupportedMediaError`.
   */
  readonly enhance: (
    path: string,
    metadata: MediaMetadata,
    adjustments: VideoAdjustments,
    options: EnhanceOptions
  ) => Effect.Effect<EnhancedVideo, VideoEnhancerError>
  /**
   * The "before" clip of the comparison: the video at `path` encoded exactly as `enhance`'s preview
   * clip (same size, length, codec, audio) with identity adjustments except `toneMap` (an HDR source
   * is tone-mapped like its rounds, so the only visible difference is the enhancement). Writes
   * `<outDir>/<name>.before.mp4` (name: the input's stem by default) and returns its path. Fails with
   * `CorruptMediaError`, `MediaToolTimeoutError`, `UnsupportedMediaError`.
   */
  readonly before: (path: string, toneMap: VideoHdrTransfer, options: EnhanceOptions) => Effect.Effect<string, VideoEnhancerError>
}>()("curator/media/VideoEnhancer") {
  /** Settings from the environment (`MEDIA_ENCODE_PIXELS_PER_SECOND`, `MEDIA_ENHANCE_TIME_BUDGET`, ...). */
  static readonly layer = Layer.effect(VideoEnhancer, Effect.flatMap(videoEnhancerSettingsConfig, make))

  /** Fixed settings: the defaults with `overrides` applied (tests, benchmarks). */
  static readonly layerWith = (overrides: Partial<VideoEnhancerSettings>) =>
    Layer.effect(VideoEnhancer, make({ ...defaultVideoEnhancerSettings, ...overrides }))
}
