import { Effect } from "effect"
import sharp from "sharp"
import { afterAll, describe, expect, it } from "vitest"
import { runWith } from "@curator/contracts/testing"
import { Media, MetadataReader, sampleTimes, sniffSync, VideoFrameSampler } from "../src/index.js"
import { readFileSync } from "node:fs"
import { ffmpegGenerate, fixture, scratch } from "./helpers.js"

const sample = (path: string, count: number) =>
  runWith(
    Effect.gen(function* () {
      const sniffed = sniffSync(readFileSync(path).subarray(0, 64))
      if (sniffed === undefined) return yield* Effect.die("not sniffed")
      const metadata = yield* (yield* MetadataReader).read(path, sniffed)
      return yield* (yield* VideoFrameSampler).sample(path, metadata, count)
    }),
    Media.layerWith({})
  )

describe("VideoFrameSampler", () => {
  const tmp = scratch()
  afterAll(tmp.cleanup)

  it("spreads sample times over the duration (slice midpoints)", () => {
    expect(sampleTimes(4, 4)).toEqual([0.5, 1.5, 2.5, 3.5])
    expect(sampleTimes(10, 0)).toEqual([])
  })

  it("samples frames in time order across a generated red/green/blue/white clip", async () => {
    const path = tmp.file("colours.mp4")
    const colours = ["red", "lime", "blue", "white"]
    ffmpegGenerate([
      ...colours.flatMap((c) => ["-f", "lavfi", "-i", `color=c=${c}:s=640x360:r=25:d=1`]),
      "-filter_complex", `${colours.map((_, i) => `[${i}:v]`).join("")}concat=n=4:v=1[v]`, "-map", "[v]",
      "-c:v", "libx264", "-g", "10", "-pix_fmt", "yuv420p", path
    ])
    const frames = await sample(path, 4)
    expect(frames).toHaveLength(4)
    const means = await Promise.all(frames.map(async (f) => (await sharp(f).stats()).channels.slice(0, 3).map((c) => Math.round(c.mean))))
    const dominant = means.map(([r = 0, g = 0, b = 0]) => (r > 200 && g > 200 && b > 200 ? "white" : r > 200 ? "red" : g > 200 ? "green" : b > 200 ? "blue" : "?"))
    expect(dominant).toEqual(["red", "green", "blue", "white"])
    const first = await sharp(frames[0]).metadata()
    expect([first.width, first.height]).toEqual([400, 225])
  })

  it("samples the rotated iPhone 6 clip upright", async () => {
    const frames = await sample(fixture("video-apple-iphone6-gps-rot90.mov"), 3)
    expect(frames).toHaveLength(3)
    for (const frame of frames) {
      const m = await sharp(frame).metadata()
      expect([m.width, m.height]).toEqual([225, 400])
    }
  })
})
