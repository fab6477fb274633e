import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { runWith } from "@curator/contracts/testing"
import { Media, parseSignalStats, shakeFromTransforms, VideoProbe } from "../src/index.js"
import { ffmpegGenerate, fixture, scratch } from "./helpers.js"

const measure = (path: string) => runWith(Effect.gen(function* () { return yield* (yield* VideoProbe).measureSignal(path) }), Media.layerWith({}))

describe("VideoProbe", () => {
  const tmp = scratch()
  afterAll(tmp.cleanup)

  it("parses signalstats means and libvidstab jitter", () => {
    const log = "frame:0 pts:0 pts_time:0\nlavfi.signalstats.YMIN=10\nlavfi.signalstats.YAVG=50\nlavfi.signalstats.YMAX=200\nlavfi.signalstats.SATAVG=4\n" +
      "frame:1 pts:1 pts_time:0.5\nlavfi.signalstats.YMIN=20\nlavfi.signalstats.YAVG=70\nlavfi.signalstats.YMAX=220\nlavfi.signalstats.SATAVG=6\n"
    expect(parseSignalStats(log)).toEqual({ yavg: 60, ymin: 15, ymax: 210, satavg: 5, frames: 2 })
    // A steady pan (same motion every frame) has no jitter; alternating motion has.
    const pan = "Frame 1 (List 0 [])\nFrame 2 (List 2 [(LM 3 0 1 1 32 0.5 1),(LM 3 0 9 9 32 0.5 1)])\nFrame 3 (List 1 [(LM 3 0 1 1 32 0.5 1)])\n"
    expect(shakeFromTransforms(pan, 320)).toBe(0)
    const wobble = "Frame 1 (List 1 [(LM 4 0 1 1 32 0.5 1)])\nFrame 2 (List 1 [(LM -4 0 1 1 32 0.5 1)])\nFrame 3 (List 1 [(LM 4 0 1 1 32 0.5 1)])\n"
    expect(shakeFromTransforms(wobble, 320)).toBeCloseTo(8 / 320)
    expect(shakeFromTransforms("Frame 1 (List 0 [])\n", 320)).toBeNull()
  })

  it("measures a dark clip darker than a normal one, and a jittered clip shakier than a steady one", async () => {
    const steady = tmp.file("steady.mp4")
    const dark = tmp.file("dark-shaky.mp4")
    ffmpegGenerate(["-f", "lavfi", "-i", "testsrc2=s=400x300:r=25:d=2", "-vf", "crop=320:240:40:30", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", steady])
    ffmpegGenerate(["-f", "lavfi", "-i", "testsrc2=s=400x300:r=25:d=2", "-vf", "crop=320:240:'40+30*sin(n*2.3)':'30+25*cos(n*3.1)',eq=brightness=-0.3", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", dark])
    const a = await measure(steady)
    const b = await measure(dark)
    expect(a.sampledFrames).toBe(4)
    expect(b.yavg).toBeLessThan(a.yavg - 40)
    expect(a.ymin).toBeLessThan(a.ymax)
    expect(a.hasAudio).toBe(false)
    expect(a.hdrTransfer).toBe("none")
    expect(Math.abs(a.durationSeconds - 2)).toBeLessThan(0.1)
    expect(a.shake ?? 1).toBeLessThan(0.004)
    expect(b.shake ?? 0).toBeGreaterThan(0.004)
  })

  it("reports the iPhone 6 clip as portrait, rotated 90, with audio", async () => {
    const a = await measure(fixture("video-apple-iphone6-gps-rot90.mov"))
    expect([a.width, a.height, a.rotation, a.hasAudio]).toEqual([320, 568, 90, true])
    expect(a.yavg).toBeGreaterThan(16)
    expect(a.satavg).toBeGreaterThan(0)
  })
})
