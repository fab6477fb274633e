/**
 * The AI video preview (issue 16: MP4, x264 CRF 28 preset veryfast, High yuv420p, +faststart, <= 5
 * fps, <= 768 px on the longer side, mono AAC 32 kb/s; issue 6's was AV1/Opus WebM) against the
 * bare ffmpeg command with the same settings, same process, same files (the three video
 * fixtures), interleaved rounds:
 *   ours: `AiPreviewEncoder.video` with the item's MediaMetadata (as the AI task calls it), budget check,
 *         guarded input, per-call temp dir, ffmpeg through fluent-ffmpeg with `-nostdin
 *         -protocol_whitelist file,pipe -f mov -i file:<path>` + `aiPreviewOutputArgs`, copy of
 *         the result into the output folder, stat);
 *   ours, probing: the same call WITHOUT metadata, so the encoder runs its own ffprobe first
 *         (what a caller without the inspection's metadata pays);
 *   bare: `ffmpeg -v error -nostdin -y -i <path>` + the SAME output arguments
 *         (`aiPreviewOutputArgs` with the geometry and audio presence worked out once before the
 *         rounds), spawned directly: THE goal's baseline (ours >= 90 % of its throughput).
 *   bare <preset>: the bare command with another x264 preset (ultrafast, faster, medium), so the
 *         default's speed and size are measured against its neighbours in the same rounds; their
 *         output bytes (summed over the clips) come from one untimed pass.
 * Throughput = seconds of source video per second of wall time over one pass of the set (sum of
 * per-file medians). Peak RSS: this Node process (ru_maxrss) and ffmpeg/ffprobe, each measured in
 * an UNTIMED pass through GNU time wrappers (toolRss.ts).
 *
 * usage: node --expose-gc dist/bench/aipreview.mjs [--rounds N] [--out file.json]
 */
import { mkdtemp, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { Effect, Layer, ManagedRuntime } from "effect"
import { AiPreviewEncoder, aiPreviewOutputArgs, defaultAiPreviewSettings, Media, MetadataReader } from "@curator/media"
import { argValue, emit, interleavedRounds, loadFixtures, peakRssMb, round, runTool, summarise } from "./common.js"
import { GNU_TIME, makeToolWrappers, peakPerTool } from "./toolRss.js"

const FFMPEG = "/usr/bin/ffmpeg"
const rounds = Number(argValue("rounds") ?? 6)
const files = (await loadFixtures()).filter((f) => f.sniffed.kind === "video")
const layerOf = (overrides: Parameters<typeof Media.layerWith>[0]) => AiPreviewEncoder.layerWith({}).pipe(Layer.provideMerge(Media.layerWith(overrides)))

const runtime = ManagedRuntime.make(layerOf({}))
const encoder = await runtime.runPromise(AiPreviewEncoder)
const dir = await mkdtemp(path.join(tmpdir(), "curator-bench-aipreview-"))

// The AI task has each item's MediaMetadata from the inspection, so ours gets it too (no second
// probe). The bare command's arguments are worked out once per file from one untimed call of
// ours (geometry and audio presence are inputs of the settings, not part of the timed work).
const prepared = []
for (const f of files) {
  const metadata = await runtime.runPromise(Effect.flatMap(MetadataReader, (reader) => reader.read(f.path, f.sniffed)))
  const r = await Effect.runPromise(encoder.video(f.path, { outDir: dir, name: "ours", metadata }))
  const geometry = { width: r.width, height: r.height }
  prepared.push({ ...f, metadata, durationSeconds: r.durationSeconds, geometry, audio: r.hasAudio, args: aiPreviewOutputArgs(geometry, r.hasAudio, defaultAiPreviewSettings) })
}
type Prepared = (typeof prepared)[number]

const ours = (f: Prepared) => Effect.runPromise(encoder.video(f.path, { outDir: dir, name: "ours", metadata: f.metadata }))
const bare = (f: Prepared, ffmpeg = FFMPEG) => runTool(ffmpeg, ["-v", "error", "-nostdin", "-y", "-i", f.path, ...f.args, path.join(dir, "bare.mp4")])
/** The x264 presets timed beside the default (same CRF). */
const OTHER_PRESETS = ["ultrafast", "faster", "medium"] as const
const withPreset = (f: Prepared, preset: string) => aiPreviewOutputArgs(f.geometry, f.audio, { ...defaultAiPreviewSettings, preset })
const barePreset = (f: Prepared, preset: string) => runTool(FFMPEG, ["-v", "error", "-nostdin", "-y", "-i", f.path, ...withPreset(f, preset), path.join(dir, `bare-${preset}.mp4`)])

const oursProbing = (f: Prepared) => Effect.runPromise(encoder.video(f.path, { outDir: dir, name: "ours" }))
const presetVariants = Object.fromEntries(OTHER_PRESETS.map((p) => [`bare ${p}`, (f: Prepared) => barePreset(f, p)]))
const samples = await interleavedRounds("aipreview", prepared, { ours, "ours, probing": oursProbing, bare: (f) => bare(f), ...presetVariants }, rounds)
// Output bytes per preset, summed over the clips (one untimed pass each).
const presetBytes: Record<string, number> = {}
for (const preset of [defaultAiPreviewSettings.preset, ...OTHER_PRESETS]) {
  let total = 0
  for (const f of prepared) {
    await barePreset(f, preset)
    total += (await stat(path.join(dir, `bare-${preset}.mp4`))).size
  }
  presetBytes[preset] = total
}
const nodePeakRssMb = peakRssMb()
await runtime.dispose()

// Untimed pass with the tools wrapped in GNU time: peak RSS of ffmpeg (and ffprobe) per variant.
let toolPeakRssMb: { ours: Record<string, number>; bare: Record<string, number> } | undefined
const wrappers = await makeToolWrappers()
if (wrappers !== undefined) {
  const wrapped = ManagedRuntime.make(layerOf({ ffmpegPath: wrappers.ffmpegPath, ffprobePath: wrappers.ffprobePath, heifConvertPath: wrappers.heifConvertPath }))
  const wrappedEncoder = await wrapped.runPromise(AiPreviewEncoder)
  for (const f of prepared) await Effect.runPromise(wrappedEncoder.video(f.path, { outDir: dir, name: "ours", metadata: f.metadata }))
  await wrapped.dispose()
  const oursRuns = await wrappers.read()
  for (const f of prepared) await bare(f, wrappers.ffmpegPath)
  const bareRuns = (await wrappers.read()).slice(oursRuns.length)
  toolPeakRssMb = { ours: peakPerTool(oursRuns), bare: peakPerTool(bareRuns) }
}
await rm(dir, { recursive: true, force: true })

const o = summarise(samples, "ours")
const p = summarise(samples, "ours, probing")
const b = summarise(samples, "bare")
const presets = Object.fromEntries([
  [defaultAiPreviewSettings.preset, { setMs: b.setMs, bytes: presetBytes[defaultAiPreviewSettings.preset] }],
  ...OTHER_PRESETS.map((p) => [p, { setMs: summarise(samples, `bare ${p}`).setMs, bytes: presetBytes[p] }])
])
const videoSeconds = prepared.reduce((sum, f) => sum + f.durationSeconds, 0)
await emit({
  rounds,
  settings: { crf: defaultAiPreviewSettings.crf, preset: defaultAiPreviewSettings.preset },
  files: prepared.map((f) => ({ name: f.name, durationSeconds: round(f.durationSeconds, 2), preview: `${f.geometry.width}x${f.geometry.height}`, audio: f.audio })),
  videoSeconds: round(videoSeconds, 2),
  variants: { ours: o, "ours, probing": p, bare: b },
  presets,
  throughput: { ours: round(videoSeconds / (o.setMs / 1000), 2), "ours, probing": round(videoSeconds / (p.setMs / 1000), 2), bare: round(videoSeconds / (b.setMs / 1000), 2) },
  // Throughput ratio ours / bare = bare time / our time, in percent.
  ratioPercent: round((b.setMs / o.setMs) * 100, 1),
  probingRatioPercent: round((b.setMs / p.setMs) * 100, 1),
  goalPercent: 90,
  nodePeakRssMb,
  toolPeakRssMb,
  gnuTime: GNU_TIME
})
