/**
 * The video facts both VideoProbe and VideoEnhancer need, from one hardened ffprobe run:
 * displayed size, rotation, duration, audio presence/codec and the HDR transfer.
 */
import { Effect } from "effect"
import { CorruptMediaError } from "@curator/contracts"
import { streamRotation } from "../MetadataReader.js"
import { ffprobeArgs, guardInput, type ProcessRunner, type ToolError } from "../ProcessRunner.js"
import { hdrTransferOf, VideoProbeFromJson } from "./videoSignal.js"
import { Schema } from "effect"

/** Facts about a video file. Sizes in px (displayed: rotation applied), duration in s. */
export interface VideoStreams {
  readonly width: number
  readonly height: number
  readonly codedWidth: number
  readonly codedHeight: number
  readonly rotation: number
  readonly durationSeconds: number
  readonly hasAudio: boolean
  readonly audioCodec: string | null
  readonly hdrTransfer: "none" | "hlg" | "pq"
}

/**
 * Probes `input` (guarded; the ISO-BMFF `mov` demuxer forced, like MetadataReader, so ffmpeg never
 * guesses a format from content). No video stream -> `CorruptMediaError`. Duration: the container's,
 * else the video stream's, else 0.
 */
export const readVideoStreams = (runner: ProcessRunner["Service"], input: string, demuxer = "mov"): Effect.Effect<VideoStreams, ToolError> =>
  Effect.gen(function* () {
    const absolute = yield* guardInput(input)
    const result = yield* runner.run("ffprobe", ffprobeArgs(absolute, demuxer))
    const probe = yield* Schema.decodeUnknownEffect(VideoProbeFromJson)(Buffer.from(result.stdout).toString("utf8")).pipe(
      Effect.mapError((error) => new CorruptMediaError({ message: `ffprobe output could not be decoded: ${error.message}` }))
    )
    const video = probe.streams.find((s) => s.codec_type === "video" && s.disposition?.attached_pic !== 1)
    if (video === undefined || video.width === undefined || video.height === undefined) {
      return yield* new CorruptMediaError({ message: "the file has no decodable video stream" })
    }
    const audio = probe.streams.find((s) => s.codec_type === "audio")
    const rotation = streamRotation(video)
    const swap = rotation === 90 || rotation === 270
    const duration = Number(probe.format.duration ?? video.duration)
    return {
      width: swap ? video.height : video.width,
      height: swap ? video.width : video.height,
      codedWidth: video.width,
      codedHeight: video.height,
      rotation,
      durationSeconds: Number.isFinite(duration) ? duration : 0,
      hasAudio: audio !== undefined,
      audioCodec: audio?.codec_name ?? null,
      hdrTransfer: hdrTransferOf(video.color_transfer)
    }
  })
