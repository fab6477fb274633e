/**
 * One video frame as a JPEG of at most `maxEdge` px on its longest edge, upright.
 * Input seeking (`-ss` BEFORE `-i`): ffmpeg jumps to the keyframe before the time and
 * decodes only from there (ffmpeg docs, "-ss position (input/output)"), instead of
 * decoding everything up to it. ffmpeg autorotates by the display matrix by default,
 * before the scale filter, so portrait clips come out portrait.
 */
import { readFile, stat } from "node:fs/promises"
import path from "node:path"
import { Effect, type Scope } from "effect"
import sharp from "sharp"
import { CorruptMediaError } from "@curator/contracts"
import type { ProcessRunner, ToolError } from "../ProcessRunner.js"
import { corruptFromSharp } from "./sharpErrors.js"

/** A JPEG with its size in px. */
export interface JpegFrame {
  readonly jpeg: Uint8Array
  readonly width: number
  readonly height: number
}

const exists = (file: string) => stat(file).then((s) => s.size > 0, () => false)

/**
 * Extracts the frame at `atSeconds` (0 = the first frame). When a seek lands past the last
 * frame (ffmpeg then writes nothing) the first frame is taken instead.
 */
export const extractFrame = (
  runner: ProcessRunner["Service"],
  input: string,
  atSeconds: number,
  maxEdge: number
): Effect.Effect<JpegFrame, ToolError, Scope.Scope> =>
  Effect.gen(function* () {
    const grab = (seconds: number) =>
      Effect.gen(function* () {
        let output = ""
        yield* runner.ffmpeg(
          input,
          (command, dir) => {
            output = path.join(dir, "frame.jpg")
            return command
              .outputOptions([
                "-map", "0:v:0",
                "-frames:v", "1",
                "-an", "-sn", "-dn",
                // min(edge, input) never enlarges a small video (the comma is escaped for the filtergraph).
                "-vf", `scale=w=min(${maxEdge}\\,iw):h=min(${maxEdge}\\,ih):force_original_aspect_ratio=decrease:flags=bicubic`,
                "-q:v", "2",
                "-f", "image2"
              ])
              .output(output)
          },
          { demuxer: "mov", inputOptions: seconds > 0 ? ["-ss", seconds.toFixed(3)] : [] }
        )
        return (yield* Effect.promise(() => exists(output))) ? output : undefined
      })
    const written = (yield* grab(atSeconds)) ?? (atSeconds > 0 ? yield* grab(0) : undefined)
    if (written === undefined) return yield* new CorruptMediaError({ message: "no video frame could be decoded: the video track is empty or corrupt" })
    const jpeg = yield* Effect.promise(() => readFile(written))
    const info = yield* Effect.tryPromise({ try: () => sharp(jpeg).metadata(), catch: corruptFromSharp })
    return { jpeg: new Uint8Array(jpeg), width: info.width ?? 0, height: info.height ?? 0 }
  })
