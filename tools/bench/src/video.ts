/**
 * The video frame against the bare ffmpeg command, same process, same files (the three video
 * fixtures, all >= 1.2 s so every variant seeks to 1 s), interleaved:
 *   ours:           `ThumbnailRenderer.render` (guarded input, per-call temp dir, ffmpeg through
 *                   fluent-ffmpeg with `-nostdin -protocol_whitelist file,pipe -f mov -ss 1.000
 *                   -i file:<path> -map 0:v:0 -frames:v 1 -an -sn -dn -vf scale=... -q:v 2`,
 *                   then the JPEG read back and its size read by sharp);
 *   bare:           `ffmpeg -v error -nostdin -y -ss 1 -i in -frames:v 1 -vf scale=... out.jpg`
 *                   spawned directly (THE goal's baseline, <= 1.15x);
 *   bare same args: ffmpeg spawned directly with exactly our arguments, to split the cost of the
 *                   arguments from the cost of fluent-ffmpeg/Effect/temp dirs.
 * The first `ours` call of the process is timed apart (fluent-ffmpeg probes `ffmpeg -formats`
 * and `-encoders` once per process: a Lambda cold start pays it).
 *
 * usage: node --expose-gc dist/bench/video.mjs [--rounds N] [--out file.json]
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { Effect, ManagedRuntime } from "effect"
import { Media, MetadataReader, THUMBNAIL_EDGE, ThumbnailRenderer } from "@curator/media"
import { argValue, emit, interleavedRounds, loadFixtures, round, runTool, summarise, timeMs } from "./common.js"

const FFMPEG = "/usr/bin/ffmpeg"
const rounds = Number(argValue("rounds") ?? 10)
const files = (await loadFixtures()).filter((f) => f.sniffed.kind === "video")

const runtime = ManagedRuntime.make(Media.layerWith({}))
const { reader, renderer } = await runtime.runPromise(Effect.all({ reader: MetadataReader, renderer: ThumbnailRenderer }))
const prepared = await Promise.all(files.map(async (f) => ({ ...f, metadata: await Effect.runPromise(reader.read(f.path, f.sniffed)) })))
const dir = await mkdtemp(path.join(tmpdir(), "curator-bench-video-"))
const out = path.join(dir, "out.jpg")
const scale = `scale=w=min(${THUMBNAIL_EDGE}\\,iw):h=min(${THUMBNAIL_EDGE}\\,ih):force_original_aspect_ratio=decrease`

const ours = (f: (typeof prepared)[number]) => Effect.runPromise(renderer.render(f.path, f.sniffed, f.metadata))
const first = prepared[0]!
const coldFirstMs = await timeMs(() => ours(first))

const samples = await interleavedRounds("video", prepared, {
  ours,
  bare: (f) => runTool(FFMPEG, ["-v", "error", "-nostdin", "-y", "-ss", "1", "-i", f.path, "-frames:v", "1", "-vf", scale, out]),
  "bare same args": (f) =>
    runTool(FFMPEG, [
      "-v", "error", "-y", "-nostdin", "-protocol_whitelist", "file,pipe", "-f", "mov", "-ss", "1.000", "-i", `file:${f.path}`,
      "-map", "0:v:0", "-frames:v", "1", "-an", "-sn", "-dn", "-vf", `${scale}:flags=bicubic`, "-q:v", "2", "-f", "image2", out
    ])
}, rounds)
await runtime.dispose()
await rm(dir, { recursive: true, force: true })

const o = summarise(samples, "ours")
const bare = summarise(samples, "bare")
const same = summarise(samples, "bare same args")
await emit({
  rounds,
  coldFirstMs: round(coldFirstMs),
  coldFile: first.name,
  variants: { ours: o, bare, "bare same args": same },
  ratio: round(o.setMs / bare.setMs, 2),
  ratioToSameArgs: round(o.setMs / same.setMs, 2),
  goal: 1.15
})
