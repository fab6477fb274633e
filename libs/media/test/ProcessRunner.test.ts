import { existsSync, writeFileSync } from "node:fs"
import { Effect } from "effect"
import type { FfmpegCommand } from "fluent-ffmpeg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { failureOf, runExit, runWith } from "@curator/contracts/testing"
import { Media, ProcessRunner } from "../src/index.js"
import { ffmpegGenerate, fixture, scratch } from "./helpers.js"

const layer = Media.layerWith({})
const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe("ProcessRunner", () => {
  const tmp = scratch()
  const clip = tmp.file("clip.mp4")
  beforeAll(() => ffmpegGenerate(["-f", "lavfi", "-i", "testsrc=s=320x240:r=25:d=10", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", clip]))
  afterAll(tmp.cleanup)

  it("probes a file into the ffprobe Schema", async () => {
    const probe = await runWith(Effect.gen(function* () { return yield* (yield* ProcessRunner).probe(fixture("video-gopro-max-gpmf-gps.mp4")) }), layer)
    expect(probe.format.format_name).toContain("mp4")
    expect(probe.streams.map((s) => s.codec_type)).toContain("audio")
  })

  it("kills ffmpeg past its timeout -> MediaToolTimeoutError, and removes the temp dir", async () => {
    let tempDir = ""
    let command: FfmpegCommand | undefined
    const exit = await runExit(
      Effect.scoped(Effect.gen(function* () {
        return yield* (yield* ProcessRunner).ffmpeg(
          clip,
          (cmd, dir) => {
            tempDir = dir
            command = cmd
            // Deliberately slow: upscale to 4K and encode with the slowest x264 preset.
            return cmd.outputOptions(["-vf", "scale=3840:2160", "-c:v", "libx264", "-preset", "placebo"]).output(`${dir}/slow.mp4`)
          },
          { timeout: "400 millis" }
        )
      })),
      layer
    )
    const error = failureOf(exit) as { _tag: string; message: string }
    expect(error._tag).toBe("MediaToolTimeoutError")
    expect(error.message).toMatch(/ffmpeg ran longer than .* and was killed/)
    expect(tempDir).not.toBe("")
    expect(existsSync(tempDir)).toBe(false)
    const proc = (command as unknown as { ffmpegProc?: { pid?: number; signalCode: string | null } }).ffmpegProc
    if (proc?.pid !== undefined) {
      expect(proc.signalCode).toBe("SIGKILL")
      expect(alive(proc.pid)).toBe(false)
    }
  })

  it("kills ffprobe-style tools too (run) and reports a tool failure as CorruptMediaError", async () => {
    const runner = Effect.gen(function* () { return yield* ProcessRunner })
    const timedOut = await runExit(Effect.flatMap(runner, (r) => r.run("ffmpeg", ["-nostdin", "-f", "lavfi", "-i", "testsrc=d=600", "-f", "null", "-"], { timeout: "300 millis" })), layer)
    expect((failureOf(timedOut) as { _tag: string })._tag).toBe("MediaToolTimeoutError")
    const failed = await runExit(Effect.flatMap(runner, (r) => r.probe(fixture("truncated-iphone6-no-moov.mov"))), layer)
    const error = failureOf(failed) as { _tag: string; message: string }
    expect(error._tag).toBe("CorruptMediaError")
    expect(error.message).toMatch(/ffprobe could not read the file: .*Invalid data/)
  })

  it("removes the temp dir after a successful run too", async () => {
    let tempDir = ""
    await runWith(
      Effect.scoped(Effect.gen(function* () {
        yield* (yield* ProcessRunner).ffmpeg(clip, (cmd, dir) => {
          tempDir = dir
          return cmd.outputOptions(["-frames:v", "1"]).output(`${dir}/f.jpg`)
        })
        expect(existsSync(`${tempDir}/f.jpg`)).toBe(true)
      })),
      layer
    )
    expect(existsSync(tempDir)).toBe(false)
  })

  it("refuses concat, playlist and protocol inputs before running anything", async () => {
    const list = tmp.file("list.txt")
    writeFileSync(list, `file '${clip}'\nfile '${clip}'\n`)
    const playlist = tmp.file("playlist.m3u8")
    writeFileSync(playlist, `#EXTM3U\n#EXTINF:10,\n${clip}\n`)
    const disguised = tmp.file("disguised.mp4")
    writeFileSync(disguised, `#EXTM3U\n#EXTINF:10,\nhttp://example.invalid/a.ts\n`)
    const ffconcat = tmp.file("script.mp4")
    writeFileSync(ffconcat, `ffconcat version 1.0\nfile '${clip}'\n`)
    for (const input of [`concat:${clip}|${clip}`, "http://example.invalid/a.mp4", list, playlist, disguised, ffconcat]) {
      const exit = await runExit(Effect.scoped(Effect.gen(function* () {
        const runner = yield* ProcessRunner
        return yield* runner.ffmpeg(input, (cmd, dir) => cmd.output(`${dir}/x.jpg`))
      })), layer)
      const error = failureOf(exit) as { _tag: string; message: string }
      expect(error._tag, input).toBe("UnsupportedMediaError")
      expect(error.message).toMatch(/refused input/)
      const probed = await runExit(Effect.gen(function* () { return yield* (yield* ProcessRunner).probe(input) }), layer)
      expect((failureOf(probed) as { _tag: string })._tag).toBe("UnsupportedMediaError")
    }
  })
})
