/**
 * VideoProbe: measures a video's signal for enhancement — luma levels and saturation
 * (ffmpeg `signalstats`), a shake estimate (libvidstab `vidstabdetect`), the HDR transfer,
 * duration, audio and rotation — as a `VideoAnalysis` (libs/contracts) that the
 * `VideoAnalyzer` (libs/ai) turns into `VideoAdjustments`.
 *
 * One decode pass: the frames are autorotated, scaled to {@link ANALYSIS_WIDTH} px wide and
 * converted to 8-bit 4:2:0 (so 10-bit sources report 0..255 too), then split:
 * - `fps=2,signalstats,metadata=mode=print` samples two frames per second for the means;
 * - `vidstabdetect` sees every frame (motion needs consecutive frames) and writes its
 *   transforms file, read by {@link shakeFromTransforms}.
 * Measuring at 320 px keeps the pass cheap (about 2 s for the 10.5 s GoPro fixture on this
 * 2-core machine under load) while means and global motion are resolution-independent.
 */
import { readFile } from "node:fs/promises"
import path from "node:path"
import { Context, type Duration, Effect, Layer } from "effect"
import { type CorruptMediaError, type MediaToolTimeoutError, type UnsupportedMediaError, type VideoAnalysis } from "@curator/contracts"
import { ProcessRunner } from "./ProcessRunner.js"
import { filterPath, parseSignalStats, shakeFromTransforms } from "./internal/videoSignal.js"
import { readVideoStreams } from "./internal/videoStreams.js"

export { parseSignalStats, shakeFromTransforms, type SignalMeans } from "./internal/videoSignal.js"

/** Width in px the frames are scaled to before measuring (height follows the aspect ratio, even). */
export const ANALYSIS_WIDTH = 320

/** Frames per second sampled for the `signalstats` means. */
export const SIGNAL_SAMPLE_FPS = 2

/** The errors of measuring a video: refused input, unreadable file, tool timeout. */
export type VideoProbeError = UnsupportedMediaError | CorruptMediaError | MediaToolTimeoutError

/** The service. */
export class VideoProbe extends Context.Service<VideoProbe, {
  /**
   * Measures the video at `path` (see the module comment). YAVG/YMIN/YMAX/SATAVG are means over
   * the frames sampled at {@link SIGNAL_SAMPLE_FPS} (8-bit code values); `shake` is a fraction of the
   * frame width per frame. Fails with `CorruptMediaError` (unreadable or no video stream),
   * `MediaToolTimeoutError`, `UnsupportedMediaError` (refused input). `options.timeout` overrides the
   * configured tool timeout of the decode pass (long videos: the pass decodes every frame).
   */
  readonly measureSignal: (path: string, options?: { readonly timeout?: Duration.Input }) => Effect.Effect<VideoAnalysis, VideoProbeError>
}>()("curator/media/VideoProbe") {
  static readonly layer = Layer.effect(
    VideoProbe,
    Effect.gen(function* () {
      const runner = yield* ProcessRunner
      const measureSignal = Effect.fn("VideoProbe.measureSignal")(function* (input: string, options?: { readonly timeout?: Duration.Input }) {
        const streams = yield* readVideoStreams(runner, input)
        const { statsLog, transforms } = yield* Effect.scoped(
          Effect.gen(function* () {
            const dir = filterPath(yield* runner.tempDir)
            const statsFile = path.join(dir, "signalstats.log")
            const trfFile = path.join(dir, "motion.trf")
            yield* runner.ffmpeg(
              input,
              (command, out) =>
                command
                  .complexFilter([
                    `[0:v:0]scale=${ANALYSIS_WIDTH}:-2,format=yuv420p,split[s][m]`,
                    `[s]fps=${SIGNAL_SAMPLE_FPS},signalstats,metadata=mode=print:file=${statsFile},nullsink`,
                    `[m]vidstabdetect=shakiness=5:accuracy=9:result=${trfFile}[v]`
                  ])
                  .outputOptions(["-map", "[v]", "-an", "-sn", "-dn", "-f", "null"])
                  .output(path.join(out, "discard.null")),
              { demuxer: "mov", ...(options?.timeout !== undefined ? { timeout: options.timeout } : {}) }
            )
            const read = (file: string) => Effect.promise(() => readFile(file, "utf8").catch(() => ""))
            return { statsLog: yield* read(statsFile), transforms: yield* read(trfFile) }
          })
        )
        const means = parseSignalStats(statsLog)
        return {
          yavg: means.yavg,
          ymin: means.ymin,
          ymax: means.ymax,
          satavg: means.satavg,
          sampledFrames: means.frames,
          shake: shakeFromTransforms(transforms, ANALYSIS_WIDTH),
          hdrTransfer: streams.hdrTransfer,
          durationSeconds: streams.durationSeconds,
          hasAudio: streams.hasAudio,
          rotation: streams.rotation,
          width: streams.width,
          height: streams.height
        } satisfies VideoAnalysis
      })
      return VideoProbe.of({ measureSignal })
    })
  )
}
