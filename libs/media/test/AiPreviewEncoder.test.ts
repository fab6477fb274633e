import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { Duration, Effect, Layer } from "effect"
import sharp from "sharp"
import { afterAll, describe, expect, it } from "vitest"
import { failureOf, runExit, runWith } from "@curator/contracts/testing"
import { AI_IMAGE_EDGE, AI_PREVIEW_MAX_EDGE, AiPreviewEncoder, aiPreviewGeometry, Media, MetadataReader, PhotoRenderer, sniffSync } from "../src/index.js"
import { ffmpegGenerate, fixture, scratch } from "./helpers.js"

interface Probed {
  readonly streams: ReadonlyArray<{
    codec_type?: string
    codec_name?: string
    profile?: string
    pix_fmt?: string
    width?: number
    height?: number
    channels?: number
    avg_frame_rate?: string
    r_frame_rate?: string
    side_data_list?: ReadonlyArray<{ rotation?: number }>
  }>
  readonly format: { format_name: string; duration: string }
}
const ffprobe = (file: string): Probed =>
  JSON.parse(execFileSync("/usr/bin/ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file]).toString("utf8")) as Probed

const rate = (r: string | undefined) => {
  const [n, d = "1"] = (r ?? "0/1").split("/")
  return Number(n) / Number(d)
}

/** Frames actually in the stream (decoded count), so the rate check does not rely on the container's rate tag alone. */
const frameCount = (file: string) =>
  Number(execFileSync("/usr/bin/ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", file]).toString("utf8").trim())

const layer = AiPreviewEncoder.layerWith({}).pipe(Layer.provideMerge(Media.layerWith({})))
/** Encodes `input`; `withMetadata`: pass MetadataReader's result as the AI task does (no second probe), else the encoder probes. */
const encode = (input: string, outDir: string, l = layer, withMetadata = false) =>
  runExit(
    Effect.gen(function* () {
      const metadata = withMetadata ? yield* (yield* MetadataReader).read(input, sniffSync(readFileSync(input).subarray(0, 64))!) : undefined
      return yield* (yield* AiPreviewEncoder).video(input, { outDir, ...(metadata !== undefined ? { metadata } : {}) })
    }),
    l
  )

/** Byte offset of the first top-level ISO BMFF box of `type` ("moov", "mdat"), -1 when absent. */
const boxOffset = (file: string, type: string): number => {
  const bytes = readFileSync(file)
  for (let at = 0; at + 8 <= bytes.length; ) {
    const size = bytes.readUInt32BE(at)
    if (bytes.toString("latin1", at + 4, at + 8) === type) return at
    if (size < 8) return -1
    at += size
  }
  return -1
}

/** Checks every property issues 6 and 16 ask of a preview; returns the probe. */
const expectPreview = (file: string, source: string, audio: boolean) => {
  const out = ffprobe(file)
  const src = ffprobe(source)
  expect(out.format.format_name).toContain("mp4")
  const video = out.streams.filter((s) => s.codec_type === "video")
  expect(video.map((s) => [s.codec_name, s.pix_fmt])).toEqual([["h264", "yuv420p"]])
  const audioStreams = out.streams.filter((s) => s.codec_type === "audio")
  if (audio) {
    expect(audioStreams.map((s) => [s.codec_name, s.channels])).toEqual([["aac", 1]])
  } else {
    expect(audioStreams).toEqual([])
  }
  // +faststart: the index (moov) precedes the media data, so a reader can start at once.
  expect(boxOffset(file, "moov")).toBeGreaterThan(0)
  expect(boxOffset(file, "moov")).toBeLessThan(boxOffset(file, "mdat"))
  const v = video[0]!
  expect(Math.max(v.width ?? 0, v.height ?? 0)).toBeLessThanOrEqual(AI_PREVIEW_MAX_EDGE)
  expect(v.side_data_list?.some((d) => (d.rotation ?? 0) !== 0) ?? false).toBe(false)
  const duration = Number(out.format.duration)
  expect(Math.abs(duration - Number(src.format.duration))).toBeLessThan(0.2)
  expect(frameCount(file) / duration).toBeLessThanOrEqual(5.2)
  return { out, video: v }
}

describe("AiPreviewEncoder", () => {
  const tmp = scratch()
  afterAll(tmp.cleanup)

  it("sizes the preview within 768 px on the longer side, even, never upscaled", () => {
    expect(aiPreviewGeometry({ width: 1920, height: 1080 })).toEqual({ width: 768, height: 432 })
    expect(aiPreviewGeometry({ width: 320, height: 568 })).toEqual({ width: 320, height: 568 })
    expect(aiPreviewGeometry({ width: 1080, height: 1920 })).toEqual({ width: 432, height: 768 })
    expect(aiPreviewGeometry({ width: 641, height: 481 })).toEqual({ width: 640, height: 480 })
  })

  it.each([
    ["video-apple-iphone6-gps-rot90.mov", false, true, { width: 320, height: 568 }],
    ["video-gopro-max-gpmf-gps.mp4", true, false, { width: 768, height: 434 }],
    ["video-3gp5-portrait-rot90-zero-gps.mp4", true, true, { width: 432, height: 768 }]
  ])("encodes %s as MP4 H.264 yuv420p + mono AAC with faststart, <= 5 fps, <= 768 px, upright, duration kept (metadata given: %s)", async (name, withMetadata, portrait, size) => {
    const source = fixture(name)
    const exit = await encode(source, tmp.file(name), layer, withMetadata)
    expect(failureOf(exit)).toBeUndefined()
    const result = exit._tag === "Success" ? exit.value : undefined
    const { video } = expectPreview(result!.path, source, true)
    expect({ width: video.width, height: video.height }).toEqual(size)
    expect((video.width ?? 0) < (video.height ?? 0)).toBe(portrait)
    expect(result).toMatchObject({ ...size, hasAudio: true, mime: "video/mp4", fps: 5 })
    expect(result!.bytes).toBe(readFileSync(result!.path).length)
  }, 150_000) // ~2 s idle per clip, much longer when other suites load both cores

  it.each([false, true])("writes no audio stream for a silent clip (metadata given: %s)", async (withMetadata) => {
    const source = tmp.file(`silent-${withMetadata}.mp4`)
    ffmpegGenerate(["-f", "lavfi", "-i", "testsrc2=s=1280x720:r=25:d=4", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", source])
    const exit = await encode(source, tmp.file(`silent-${withMetadata}`), layer, withMetadata)
    expect(failureOf(exit)).toBeUndefined()
    const result = exit._tag === "Success" ? exit.value : undefined
    const { video } = expectPreview(result!.path, source, false)
    expect({ width: video.width, height: video.height }).toEqual({ width: 768, height: 432 })
    expect(rate(video.avg_frame_rate)).toBeLessThanOrEqual(5)
    expect(result).toMatchObject({ hasAudio: false, fps: 5 })
  }, 150_000)

  it("fails a truncated video (no moov) with CorruptMediaError", async () => {
    const exit = await encode(fixture("truncated-iphone6-no-moov.mov"), tmp.file("corrupt"))
    expect(failureOf(exit)).toMatchObject({ _tag: "CorruptMediaError" })
  })

  it("refuses a video over the time budget with MediaTooLargeError before encoding", async () => {
    const small = AiPreviewEncoder.layerWith({ timeBudget: Duration.seconds(1), pixelsPerSecond: 100_000 }).pipe(Layer.provideMerge(Media.layerWith({})))
    const exit = await encode(fixture("video-gopro-max-gpmf-gps.mp4"), tmp.file("refused"), small)
    const error = failureOf(exit)
    expect(error).toMatchObject({ _tag: "MediaTooLargeError" })
    expect(String((error as { message?: string }).message)).toContain("budget")
  })
})

describe("PhotoRenderer.aiImage", () => {
  const photo = (name: string) =>
    runWith(
      Effect.gen(function* () {
        const sniffed = sniffSync(readFileSync(fixture(name)).subarray(0, 64))
        if (sniffed === undefined) return yield* Effect.die("not sniffed")
        return yield* (yield* PhotoRenderer).aiImage(fixture(name), sniffed)
      }),
      Media.layerWith({})
    )

  it.each([
    ["jpeg-samsung-sm-j327t1-orient6.jpg", { width: 1440, height: 1920 }],
    ["jpeg-apple-iphone5-gps-orient3.jpg", { width: 1920, height: 1440 }],
    ["heic-apple-iphone11pro-portrait.heic", { width: 1440, height: 1920 }],
    ["jpeg-nikon-coolpix-p6000-gps.jpg", { width: 640, height: 480 }]
  ])("downscales %s to a longest edge <= 1920 px, upright JPEG without metadata", async (name, size) => {
    const result = await photo(name)
    expect({ width: result.width, height: result.height }).toEqual(size)
    expect(Math.max(result.width, result.height)).toBeLessThanOrEqual(AI_IMAGE_EDGE)
    const meta = await sharp(result.bytes).metadata()
    expect(meta.format).toBe("jpeg")
    expect({ width: meta.width, height: meta.height }).toEqual(size)
    expect(meta.orientation).toBeUndefined()
    expect(meta.exif).toBeUndefined()
  }, 60_000)
})
