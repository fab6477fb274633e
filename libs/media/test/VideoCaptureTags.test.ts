/**
 * Issue 12 item 4, "enhanced and zipped videos lose their capture date" (CreateDate 0000:00:00 in
 * every enhanced video; an iPhone MOV lost its location even with --keep-gps) and "an enhanced
 * video was 0.27 s longer than its source" (11.62 s vs 11.35 s). Sources are generated with ffmpeg
 * and tagged by ExifTool the way phones and cameras tag them; outputs are read back by ExifTool's
 * command line and ffprobe.
 */
import { execFileSync } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import { Effect, Layer } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { IDENTITY_VIDEO_ADJUSTMENTS, type VideoAdjustments } from "@curator/contracts"
import { runWith } from "@curator/contracts/testing"
import { Media, MetadataReader, sniffSync, VideoEnhancer } from "../src/index.js"
import { ffmpegGenerate, fixture, scratch } from "./helpers.js"
import { EXIFTOOL } from "./orientationFixtures.js"

const work = scratch()
afterAll(() => work.cleanup())

const layer = VideoEnhancer.layerWith({ preset: "ultrafast" }).pipe(Layer.provideMerge(Media.layerWith({})))
const MILD: VideoAdjustments = { ...IDENTITY_VIDEO_ADJUSTMENTS, brightness: 0.03, contrast: 1.1, denoise: 2 }

const enhance = (path: string, adjustments: VideoAdjustments = MILD) =>
  runWith(
    Effect.gen(function* () {
      const sniffed = sniffSync(readFileSync(path).subarray(0, 64))
      if (sniffed === undefined) return yield* Effect.die("not sniffed")
      const metadata = yield* (yield* MetadataReader).read(path, sniffed)
      return yield* (yield* VideoEnhancer).enhance(path, metadata, adjustments, { outDir: work.file(`out-${path.split("/").pop()}`) })
    }),
    layer
  )

/** ExifTool's own reading (numeric values, all groups): `{ "Keys:CreationDate": ..., ... }`. */
const exiftoolRead = (file: string): Record<string, unknown> =>
  (JSON.parse(execFileSync("perl", [EXIFTOOL, "-j", "-n", "-a", "-G1", "-api", "QuickTimeUTC=0", file], { encoding: "utf8" })) as Array<Record<string, unknown>>)[0] ?? {}

const exiftoolWrite = (file: string, args: ReadonlyArray<string>) => execFileSync("perl", [EXIFTOOL, "-q", "-overwrite_original", ...args, file])

interface Probe {
  readonly format: { readonly duration: string; readonly tags?: Record<string, string> }
  readonly streams: ReadonlyArray<{ readonly codec_type: string; readonly duration?: string }>
}
const ffprobe = (file: string): Probe =>
  JSON.parse(execFileSync("/usr/bin/ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file], { encoding: "utf8" })) as Probe

/** A clip of `seconds` (video) with `audioSeconds` of AAC (none when 0), written as MOV or MP4 with mvhd creation_time. */
const clip = (name: string, seconds: number, audioSeconds: number, fps = "30") => {
  const file = work.file(name)
  ffmpegGenerate([
    "-f", "lavfi", "-i", `testsrc2=s=320x240:r=${fps}:d=${seconds}`,
    ...(audioSeconds > 0 ? ["-f", "lavfi", "-i", `sine=f=440:d=${audioSeconds}`, "-c:a", "aac", "-b:a", "96k"] : []),
    "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
    "-metadata", "creation_time=2020-11-20T14:04:02Z",
    "-f", name.endsWith(".mov") ? "mov" : "mp4", file
  ])
  return file
}

const near = (actual: unknown, expected: number, tolerance: number) => Math.abs(Number(actual) - expected) <= tolerance

describe("enhanced videos keep their capture date, place and camera (issue 12 item 4)", () => {
  it("an iPhone-style MOV (mvhd date, Apple Keys creationdate, location.ISO6709, make, model) keeps them all in the enhanced MP4", async () => {
    const source = clip("iphone-style.mov", 3.37, 3.37)
    exiftoolWrite(source, [
      "-Keys:CreationDate=2020:11:20 15:04:02+01:00",
      "-Keys:GPSCoordinates#=48.858370 2.294481 35.2",
      "-Keys:Make=Apple",
      "-Keys:Model=iPhone 12 Pro"
    ])
    const enhanced = (await enhance(source)).output
    const out = exiftoolRead(enhanced)
    expect(out["QuickTime:CreateDate"]).toBe("2020:11:20 14:04:02")
    expect(out["Track1:MediaCreateDate"]).toBe("2020:11:20 14:04:02")
    expect(out["Keys:CreationDate"]).toBe("2020:11:20 15:04:02+01:00")
    const [lat, lon, alt] = String(out["Keys:GPSCoordinates"]).split(" ").map(Number)
    expect([near(lat, 48.85837, 1e-5), near(lon, 2.294481, 1e-5), near(alt, 35.2, 0.1)]).toEqual([true, true, true])
    expect([out["Keys:Make"], out["Keys:Model"]]).toEqual(["Apple", "iPhone 12 Pro"])
    // ffprobe reads them too (what MetadataReader reads on a re-import).
    const tags = ffprobe(enhanced).format.tags ?? {}
    expect(tags["com.apple.quicktime.creationdate"]).toBe("2020-11-20T15:04:02+0100")
    expect(tags["com.apple.quicktime.location.ISO6709"]).toMatch(/^\+48\.8583\d*\+002\.2944\d*/)
    expect(tags.creation_time).toBe("2020-11-20T14:04:02.000000Z")
  }, 120_000)

  it("an Android/GoPro-style MP4 (UserData ©day, ©xyz, ©mak, ©mod) keeps them", async () => {
    const source = clip("android-style.mp4", 2.5, 2.5)
    exiftoolWrite(source, [
      "-UserData:ContentCreateDate=2021:06:01 09:30:00+02:00",
      "-UserData:GPSCoordinates#=59.9139 10.7522",
      "-UserData:Make=samsung",
      "-UserData:Model=SM-G991B"
    ])
    const out = exiftoolRead((await enhance(source)).output)
    expect(out["QuickTime:CreateDate"]).toBe("2020:11:20 14:04:02")
    expect(out["UserData:ContentCreateDate"]).toBe("2021:06:01 09:30:00+02:00")
    const [lat, lon] = String(out["UserData:GPSCoordinates"]).split(" ").map(Number)
    expect([near(lat, 59.9139, 1e-4), near(lon, 10.7522, 1e-4)]).toEqual([true, true])
    expect([out["UserData:Make"], out["UserData:Model"]]).toEqual(["samsung", "SM-G991B"])
  }, 120_000)

  it("the iPhone 6 fixture keeps its date (2019:07:24 08:25:57 UTC, 11:25:40+03:00), place and camera", async () => {
    const source = fixture("video-apple-iphone6-gps-rot90.mov")
    const before = exiftoolRead(source)
    const out = exiftoolRead((await enhance(source)).output)
    expect(out["QuickTime:CreateDate"]).toBe(before["QuickTime:CreateDate"])
    expect(out["QuickTime:CreateDate"]).toBe("2019:07:24 08:25:57")
    for (const tag of ["Keys:CreationDate", "Keys:GPSCoordinates", "Keys:Make", "Keys:Model"]) expect(out[tag], tag).toEqual(before[tag])
  }, 120_000)
})

describe("an enhanced video is as long as its source, within 0.1 s (issue 12 item 4)", () => {
  it.each([
    ["odd length, audio as long", "odd.mov", 3.37, 3.37, "30"],
    ["audio longer than video", "audio-longer.mov", 4.13, 4.61, "30"],
    ["audio shorter than video", "audio-shorter.mp4", 5.07, 3.9, "25"],
    ["29.97 fps, odd length", "ntsc.mov", 2.71, 2.71, "30000/1001"],
    ["no audio", "silent.mp4", 1.77, 0, "24"]
  ])("%s", async (_label, name, seconds, audioSeconds, fps) => {
    const source = clip(name, seconds, audioSeconds, fps)
    const expected = Number(ffprobe(source).format.duration)
    const result = await enhance(source, { ...MILD, stabilise: name === "odd.mov" })
    expect(Math.abs(Number(ffprobe(result.output).format.duration) - expected)).toBeLessThan(0.1)
    expect(Math.abs(Number(exiftoolRead(result.output)["QuickTime:Duration"]) - expected)).toBeLessThan(0.1)
    expect(Math.abs(result.durationSeconds - expected)).toBeLessThan(0.1)
  }, 120_000)

  it("a MOV whose audio track runs past the movie's duration (mvhd 11.35 s, audio 11.62 s: the measured case) stays 11.35 s", async () => {
    const source = clip("long-audio-track.mov", 11.35, 11.62)
    // Set the movie header's duration (mvhd, ISO/IEC 14496-12 §8.2.2) to the video's 11.35 s, as the
    // recorder did; the audio track's own media stays 11.62 s long.
    const bytes = readFileSync(source)
    const mvhd = bytes.indexOf("mvhd")
    const version = bytes[mvhd + 4]
    const timescaleAt = mvhd + 8 + (version === 1 ? 16 : 8)
    const timescale = bytes.readUInt32BE(timescaleAt)
    if (version === 1) bytes.writeBigUInt64BE(BigInt(Math.round(11.35 * timescale)), timescaleAt + 4)
    else bytes.writeUInt32BE(Math.round(11.35 * timescale), timescaleAt + 4)
    writeFileSync(source, bytes)
    expect(Number(ffprobe(source).format.duration)).toBeCloseTo(11.35, 2)
    const result = await enhance(source)
    expect(Math.abs(Number(ffprobe(result.output).format.duration) - 11.35)).toBeLessThan(0.1)
    expect(Math.abs(Number(exiftoolRead(result.output)["QuickTime:Duration"]) - 11.35)).toBeLessThan(0.1)
  }, 180_000)
})
