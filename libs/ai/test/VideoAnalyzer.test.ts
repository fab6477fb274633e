import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { Effect, Layer } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { IDENTITY_VIDEO_ADJUSTMENTS, type VideoAdjustments, type VideoAnalysis } from "@curator/contracts"
import { runWith } from "@curator/contracts/testing"
import { Media, MetadataReader, sniffSync, VideoEnhancer, VideoProbe } from "@curator/media"
import { deriveVideoAdjustments, interpretVideoFeedback, SHAKE_THRESHOLD, TARGET_YAVG, VideoAnalyzer } from "../src/index.js"

const NORMAL: VideoAnalysis = {
  yavg: TARGET_YAVG, ymin: 16, ymax: 235, satavg: 22, sampledFrames: 4, shake: 0, hdrTransfer: "none",
  durationSeconds: 2, hasAudio: true, rotation: 0, width: 320, height: 240
}

describe("VideoAnalyzer (offline rules)", () => {
  it("leaves well-exposed, steady footage nearly alone", () => {
    const a = deriveVideoAdjustments(NORMAL)
    expect([a.brightness, a.contrast, a.gamma, a.saturation, a.denoise, a.stabilise, a.toneMap]).toEqual([0, 1, 1, 1, 0, false, "none"])
  })

  it("brightens and denoises dark footage, darkens bright footage", () => {
    const dark = deriveVideoAdjustments({ ...NORMAL, yavg: 40, ymin: 16, ymax: 120 })
    expect(dark.gamma).toBeGreaterThan(1)
    expect(dark.brightness).toBeGreaterThan(0)
    expect(dark.contrast).toBeGreaterThan(1)
    expect(dark.denoise).toBeGreaterThan(0)
    const bright = deriveVideoAdjustments({ ...NORMAL, yavg: 200 })
    expect(bright.gamma).toBeLessThan(1)
    expect(bright.denoise).toBe(0)
  })

  it("boosts dull colour, stabilises shaky footage and tone-maps HDR", () => {
    const a = deriveVideoAdjustments({ ...NORMAL, satavg: 8, shake: SHAKE_THRESHOLD * 2, hdrTransfer: "hlg" })
    expect(a.saturation).toBeGreaterThan(1)
    expect(a.stabilise).toBe(true)
    expect(a.toneMap).toBe("hlg")
    expect(deriveVideoAdjustments({ ...NORMAL, shake: null }).stabilise).toBe(false)
  })

  it("maps feedback words to parameter changes, and undo to the undo marker", () => {
    const base = IDENTITY_VIDEO_ADJUSTMENTS
    expect(interpretVideoFeedback(base, "brighter").params.brightness).toBeGreaterThan(0)
    expect(interpretVideoFeedback(base, "much brighter").params.brightness).toBeGreaterThan(interpretVideoFeedback(base, "brighter").params.brightness)
    expect(interpretVideoFeedback(base, "less saturated").params.saturation).toBeLessThan(1)
    expect(interpretVideoFeedback(base, "more saturated").params.saturation).toBeGreaterThan(1)
    expect(interpretVideoFeedback(base, "warmer").params.warmth).toBeGreaterThan(0)
    expect(interpretVideoFeedback(base, "cooler").params.warmth).toBeLessThan(0)
    expect(interpretVideoFeedback(base, "more stable please").params.stabilise).toBe(true)
    expect(interpretVideoFeedback({ ...base, stabilise: true }, "no stabilisation").params.stabilise).toBe(false)
    const combo = interpretVideoFeedback(base, "a bit darker, and warmer")
    expect([combo.params.brightness < 0, combo.params.warmth > 0, combo.understood]).toEqual([true, true, true])
    const undo = interpretVideoFeedback({ ...base, brightness: 0.1 }, "undo")
    expect(undo).toMatchObject({ undo: true, understood: true, params: { ...base, brightness: 0.1 } })
    const unknown = interpretVideoFeedback(base, "make it pop like a movie")
    expect([unknown.understood, unknown.params]).toEqual([false, base])
  })
})

describe("VideoAnalyzer with real ffmpeg (VideoProbe -> VideoAnalyzer -> VideoEnhancer)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "curator-ai-video-"))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const layer = Layer.mergeAll(VideoAnalyzer.layerOffline, VideoEnhancer.layerWith({ preset: "ultrafast" })).pipe(Layer.provideMerge(Media.layerWith({})))

  const measure = (file: string) => Effect.gen(function* () { return yield* (yield* VideoProbe).measureSignal(file) })
  const enhance = (file: string, adjustments: VideoAdjustments, name: string) =>
    Effect.gen(function* () {
      const sniffed = sniffSync(readFileSync(file).subarray(0, 64))
      if (sniffed === undefined) return yield* Effect.die("not sniffed")
      const metadata = yield* (yield* MetadataReader).read(file, sniffed)
      return yield* (yield* VideoEnhancer).enhance(file, metadata, adjustments, { outDir: dir, name })
    })

  it("raises a dark clip's measured YAVG, and 'brighter' raises it again", async () => {
    const source = path.join(dir, "dark.mp4")
    execFileSync("/usr/bin/ffmpeg", ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=1", "-vf", "eq=brightness=-0.35",
      "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", source], { stdio: ["ignore", "ignore", "pipe"] })
    const result = await runWith(
      Effect.gen(function* () {
        const analyzer = yield* VideoAnalyzer
        const before = yield* measure(source)
        const auto = yield* analyzer.analyse(before)
        const first = yield* enhance(source, auto, "auto")
        const afterAuto = yield* measure(first.output)
        const feedback = yield* analyzer.applyFeedback(auto, "brighter")
        const second = yield* enhance(source, feedback.params, "brighter")
        const afterBrighter = yield* measure(second.output)
        const less = yield* analyzer.applyFeedback(auto, "much less saturated")
        const third = yield* enhance(source, less.params, "muted")
        const afterMuted = yield* measure(third.output)
        return { before, auto, afterAuto, afterBrighter, afterMuted }
      }),
      layer
    )
    expect(result.auto.gamma > 1 || result.auto.brightness > 0).toBe(true)
    expect(result.afterAuto.yavg).toBeGreaterThan(result.before.yavg + 10)
    expect(result.afterBrighter.yavg).toBeGreaterThan(result.afterAuto.yavg + 3)
    expect(result.afterMuted.satavg).toBeLessThan(result.afterAuto.satavg)
  })
})
