/**
 * VideoFrameSampler: JPEG frames spread across a video's duration, so a video can be
 * scored like photos (sharpness, exposure) and compared visually.
 */
import { Context, Effect, Layer } from "effect"
import type { CorruptMediaError, MediaToolTimeoutError, UnsupportedMediaError } from "@curator/contracts"
import type { MediaMetadata } from "./MetadataReader.js"
import { ProcessRunner } from "./ProcessRunner.js"
import { THUMBNAIL_EDGE } from "./ThumbnailRenderer.js"
import { extractFrame } from "./internal/videoFrame.js"

/**
 * The sample times in s for `count` frames over `durationSeconds`: the midpoints of `count`
 * equal slices, (i + 0.5) x duration / count, so no sample sits on the often black first
 * frame or past the last one.
 */
export const sampleTimes = (durationSeconds: number, count: number): ReadonlyArray<number> =>
  Array.from({ length: Math.max(0, Math.floor(count)) }, (_, i) => ((i + 0.5) * Math.max(0, durationSeconds)) / count)

/** The service. */
export class VideoFrameSampler extends Context.Service<VideoFrameSampler, {
  /**
   * `count` upright JPEG frames (longest edge <= 400 px) at {@link sampleTimes} of the video at
   * `path`, in time order. Fails like the thumbnail: `CorruptMediaError`, `MediaToolTimeoutError`,
   * `UnsupportedMediaError` (refused input).
   */
  readonly sample: (path: string, metadata: MediaMetadata, count: number) => Effect.Effect<ReadonlyArray<Uint8Array>, CorruptMediaError | MediaToolTimeoutError | UnsupportedMediaError>
}>()("curator/media/VideoFrameSampler") {
  static readonly layer = Layer.effect(
    VideoFrameSampler,
    Effect.gen(function* () {
      const runner = yield* ProcessRunner
      const sample = (path: string, metadata: MediaMetadata, count: number) =>
        Effect.forEach(
          sampleTimes(metadata.durationSeconds ?? 0, count),
          (at) => Effect.scoped(extractFrame(runner, path, at, THUMBNAIL_EDGE)).pipe(Effect.map((frame) => frame.jpeg)),
          { concurrency: 1 }
        )
      return VideoFrameSampler.of({ sample })
    })
  )
}
