import { execFileSync } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
import { Duration, Effect, Layer } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { IDENTITY_VIDEO_ADJUSTMENTS, type VideoAdjustments } from "@curator/contracts"
import { failureOf, runExit, runWith } from "@curator/contracts/testing"
import { estimateEncodeSeconds, defaultVideoEnhancerSettings, Media, MetadataReader, sniffSync, VideoEnhancer, videoFilterChain, VideoProbe } from "../src/index.js"
import { ffmpegGenerate, fixture, scratch } from "./helpers.js"

interface Probed {
  readonly streams: ReadonlyArray<{ codec_type?: string; codec_name?: string; width?: number; height?: number; color_transfer?: string; color_primaries?: string; side_data_list?: ReadonlyArray<{ rotation?: number }> }>
  readonly format: { format_name: string; duration: string }
}
const ffprobe = (file: string): Probed =>
  JSON.parse(execFileSync("/usr/bin/ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file]).toString("utf8")) as Probed

/** Top-level ISO-BMFF box types in file order (size + type headers; 64-bit sizes handled). */
const topLevelBoxes = (file: string): Array<string> => {
  const bytes = readFileSync(file)
  const boxes: Array<string> = []
  let offset = 0
  while (offset + 8 <= bytes.length) {
    let size = bytes.readUInt32BE(offset)
    boxes.push(bytes.toString("latin1", offset + 4, offset + 8))
    if (size === 1) size = Number(bytes.readBigUInt64BE(offset + 8))
    if (size < 8) break
    offset += size
  }
  return boxes
}

/** Displayed size after any rotation left in the output's display matrix. */
const displayed = (p: Probed) => {
  const video = p.streams.find((s) => s.codec_type === "video")
  const rotation = Math.abs(video?.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? 0) % 180
  return rotation === 90 ? { width: video?.height ?? 0, height: video?.width ?? 0 } : { width: video?.width ?? 0, height: video?.height ?? 0 }
}

// ultrafast keeps the suite quick on 2 cores; the preset does not change what is asserted.
const layer = Layer.mergeAll(VideoEnhancer.layerWith({ preset: "ultrafast" })).pipe(Layer.provideMerge(Media.layerWith({})))

const enhance = (path: string, adjustments: VideoAdjustments, outDir: string, l = layer) =>
  Effect.gen(function* () {
    const sniffed = sniffSync(readFileSync(path).subarray(0, 64))
    if (sniffed === undefined) return yield* Effect.die("not sniffed")
    const metadata = yield* (yield* MetadataReader).read(path, sniffed)
    return yield* (yield* VideoEnhancer).enhance(path, metadata, adjustments, { outDir })
  }).pipe(Effect.provide(l))

const MILD: VideoAdjustments = { ...IDENTITY_VIDEO_ADJUSTMENTS, brightness: 0.03, contrast: 1.1, saturation: 1.1, denoise: 2, sharpen: 0.3, warmth: 0.05 }

describe("VideoEnhancer", () => {
  const tmp = scratch()
  afterAll(tmp.cleanup)

  it("builds the filter chain in the documented order", () => {
    expect(videoFilterChain(IDENTITY_VIDEO_ADJUSTMENTS)).toBe("format=yuv420p")
    const chain = videoFilterChain({ ...MILD, toneMap: "pq", stabilise: true }, "/tmp/x/motion.trf")
    const order = ["zscale=tin=smpte2084", "tonemap=", "hqdn3d=2:1.5:3:2.25", "vidstabtransform=input=/tmp/x/motion.trf", "eq=", "colorbalance=rm=0.05:bm=-0.05", "unsharp=5:5:0.3", "format=yuv420p"]
    const positions = order.map((f) => chain.indexOf(f))
    expect(positions.every((p) => p >= 0)).toBe(true)
    expect([...positions].sort((a, b) => a - b)).toEqual(positions)
  })

  it.each([
    ["video-apple-iphone6-gps-rot90.mov", true],
    ["video-gopro-max-gpmf-gps.mp4", false],
    ["video-3gp5-portrait-rot90-zero-gps.mp4", true]
  ])("enhances %s into an upright, faststart H.264/AAC MP4 of the same duration", async (name, portrait) => {
    const source = fixture(name)
    const result = await runWith(enhance(source, MILD, tmp.file(name)), Layer.empty)
    const out = ffprobe(result.output)
    const src = ffprobe(source)
    expect(out.format.format_name).toContain("mp4")
    expect(out.streams.filter((s) => s.codec_type === "video").map((s) => s.codec_name)).toEqual(["h264"])
    expect(out.streams.filter((s) => s.codec_type === "audio").map((s) => s.codec_name)).toEqual(["aac"])
    expect(result.hasAudio).toBe(true)
    expect(Math.abs(Number(out.format.duration) - Number(src.format.duration))).toBeLessThan(0.1)
    expect(Math.abs(result.durationSeconds - Number(src.format.duration))).toBeLessThan(0.1)
    const size = displayed(out)
    expect(size.width < size.height).toBe(portrait)
    const boxes = topLevelBoxes(result.output)
    expect(boxes.indexOf("moov")).toBeGreaterThanOrEqual(0)
    expect(boxes.indexOf("moov")).toBeLessThan(boxes.indexOf("mdat"))

    const preview = ffprobe(result.preview)
    const p = displayed(preview)
    expect(Math.max(p.width, p.height)).toBeLessThanOrEqual(480)
    expect(p.width < p.height).toBe(portrait)
    expect(Number(preview.format.duration)).toBeLessThanOrEqual(6.1)
    expect(topLevelBoxes(result.preview).indexOf("moov")).toBeLessThan(topLevelBoxes(result.preview).indexOf("mdat"))
   }, 150_000) // the 10.5 s GoPro clip takes ~6 s idle but ~40 s when other suites load both cores

  it("keeps a silent clip silent and stabilises it (two-pass vidstab)", async () => {
    const source = tmp.file("silent.mp4")
    ffmpegGenerate(["-f", "lavfi", "-i", "testsrc2=s=400x300:r=25:d=2", "-vf", "crop=320:240:'40+30*sin(n*2.3)':'30+25*cos(n*3.1)'", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", source])
    const result = await runWith(enhance(source, { ...MILD, stabilise: true }, tmp.file("silent-out")), Layer.empty)
    const out = ffprobe(result.output)
    expect(result.hasAudio).toBe(false)
    expect(out.streams.some((s) => s.codec_type === "audio")).toBe(false)
    expect(Math.abs(Number(out.format.duration) - 2)).toBeLessThan(0.1)
  })

  it.each([
    ["hlg", "arib-std-b67"],
    ["pq", "smpte2084"]
  ] as const)("tone-maps a %s-tagged clip to BT.709", async (toneMap, trc) => {
    const source = tmp.file(`${toneMap}.mp4`)
    ffmpegGenerate(["-f", "lavfi", "-i", "testsrc2=s=320x240:r=25:d=1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-color_trc", trc, "-color_primaries", "bt2020", "-colorspace", "bt2020nc", source])
    const analysis = await runWith(Effect.gen(function* () { return yield* (yield* VideoProbe).measureSignal(source) }), Media.layerWith({}))
    expect(analysis.hdrTransfer).toBe(toneMap)
    const result = await runWith(enhance(source, { ...IDENTITY_VIDEO_ADJUSTMENTS, toneMap }, tmp.file(`${toneMap}-out`)), Layer.empty)
    const video = ffprobe(result.output).streams.find((s) => s.codec_type === "video")
    expect(video?.color_transfer).toBe("bt709")
    expect(video?.color_primaries).toBe("bt709")
  })

  it("refuses an input over the time budget with MediaTooLargeError before encoding", async () => {
    const outDir = tmp.file("refused")
    const small = Layer.mergeAll(VideoEnhancer.layerWith({ timeBudget: Duration.seconds(1), encodePixelsPerSecond: 100_000 })).pipe(Layer.provideMerge(Media.layerWith({})))
    const exit = await runExit(enhance(fixture("video-gopro-max-gpmf-gps.mp4"), MILD, outDir, small), Layer.empty)
    const error = failureOf(exit) as { _tag: string; message: string } | undefined
    expect(error?._tag).toBe("MediaTooLargeError")
    expect(error?.message).toMatch(/848x480 px x 10\.5 s .* over the 1 s budget/)
    expect(() => readdirSync(outDir)).toThrow()
  })

  it("writes a before clip that matches the round's preview in size, length, codec and audio, and differs only by the enhancement", async () => {
    const source = fixture("video-apple-iphone6-gps-rot90.mov")
    const outDir = tmp.file("before")
    const brighter: VideoAdjustments = { ...IDENTITY_VIDEO_ADJUSTMENTS, brightness: 0.15 }
    const result = await runWith(enhance(source, brighter, outDir), Layer.empty)
    const before = await runWith(Effect.gen(function* () { return yield* (yield* VideoEnhancer).before(source, "none", { outDir, name: "orig" }) }), layer)
    expect(before).toBe(`${outDir}/orig.before.mp4`)
    const [p, b] = [ffprobe(result.preview), ffprobe(before)]
    const summary = (probed: Probed) => ({
      ...displayed(probed),
      codecs: probed.streams.map((st) => `${st.codec_type}:${st.codec_name}`).sort(),
      duration: Math.round(Number(probed.format.duration) * 10) / 10
    })
    expect(summary(b)).toEqual(summary(p))
    expect(summary(b)).toMatchObject({ width: 270, height: 480, codecs: ["audio:aac", "video:h264"], duration: 4 })
    expect(topLevelBoxes(before).indexOf("moov")).toBeLessThan(topLevelBoxes(before).indexOf("mdat"))
    const luma = (file: string) => runWith(Effect.gen(function* () { return (yield* (yield* VideoProbe).measureSignal(file)).yavg }), layer)
    const [beforeLuma, afterLuma, sourceLuma] = [await luma(before), await luma(result.preview), await luma(source)]
    // eq brightness 0.15 adds about 0.15 x 255 = 38 code values (less where it clips); the before stays at the source's level.
    expect(afterLuma - beforeLuma).toBeGreaterThan(20)
    expect(Math.abs(beforeLuma - sourceLuma)).toBeLessThan(3)
  }, 150_000)

  it("tone-maps an HLG source's before clip like its rounds (BT.709, no audio when the source has none)", async () => {
    const source = tmp.file("hlg-before.mp4")
    ffmpegGenerate(["-f", "lavfi", "-i", "testsrc2=s=960x540:r=25:d=1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-color_trc", "arib-std-b67", "-color_primaries", "bt2020", "-colorspace", "bt2020nc", source])
    const before = await runWith(Effect.gen(function* () { return yield* (yield* VideoEnhancer).before(source, "hlg", { outDir: tmp.file("hlg-before") }) }), layer)
    const probed = ffprobe(before)
    const video = probed.streams.find((s) => s.codec_type === "video")
    expect([video?.codec_name, video?.width, video?.height, video?.color_transfer, video?.color_primaries]).toEqual(["h264", 480, 270, "bt709", "bt709"])
    expect(probed.streams.some((s) => s.codec_type === "audio")).toBe(false)
  }, 60_000)

  it("estimates more time for stabilising and tone mapping", () => {
    const plain = estimateEncodeSeconds(1e6, IDENTITY_VIDEO_ADJUSTMENTS, defaultVideoEnhancerSettings)
    expect(plain).toBeCloseTo(1e6 / defaultVideoEnhancerSettings.encodePixelsPerSecond)
    expect(estimateEncodeSeconds(1e6, { ...IDENTITY_VIDEO_ADJUSTMENTS, stabilise: true, toneMap: "hlg" }, defaultVideoEnhancerSettings)).toBeGreaterThan(plain * 2)
  })
})
