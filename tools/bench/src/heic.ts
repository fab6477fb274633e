/**
 * The HEIC path against Debian's bare `heif-convert`, same process, same files (the three HEIC
 * fixtures), interleaved:
 *   ours:         `ThumbnailRenderer.render` (HeifDecoder: box-layout check, sharp header read,
 *                 EXIF, per-call temp dir, `heif-convert -q 95` -> JPEG, then the 400 px thumbnail);
 *   bare+sharp:   `heif-convert -q 95 in out.jpg` spawned directly, then
 *                 `sharp(out).rotate().resize(400, 400, { fit: "inside" }).jpeg().toBuffer()`
 *                 (the same work with none of our checks: THE goal's baseline, <= 1.2x);
 *   bare command: `heif-convert -q 95 in out.jpg` alone (no thumbnail);
 *   ours decode:  `HeifDecoder.decode` alone (no thumbnail), to split our overhead.
 *
 * usage: node --expose-gc dist/bench/heic.mjs [--rounds N] [--out file.json]
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { Effect, ManagedRuntime } from "effect"
import sharp from "sharp"
import { HeifDecoder, Media, MetadataReader, NATIVE_JPEG_QUALITY, ThumbnailRenderer } from "@curator/media"
import { argValue, emit, interleavedRounds, loadFixtures, round, runTool, summarise } from "./common.js"

const HEIF_CONVERT = "/usr/bin/heif-convert"
const rounds = Number(argValue("rounds") ?? 6)
const files = (await loadFixtures()).filter((f) => f.sniffed.kind === "photo" && f.sniffed.format === "heic")

const runtime = ManagedRuntime.make(Media.layerWith({}))
const { reader, renderer, heif } = await runtime.runPromise(Effect.all({ reader: MetadataReader, renderer: ThumbnailRenderer, heif: HeifDecoder }))
const prepared = await Promise.all(files.map(async (f) => ({ ...f, metadata: await Effect.runPromise(reader.read(f.path, f.sniffed)) })))
const dir = await mkdtemp(path.join(tmpdir(), "curator-bench-heic-"))
const out = path.join(dir, "out.jpg")
const quality = ["-q", String(NATIVE_JPEG_QUALITY)]

const samples = await interleavedRounds("heic", prepared, {
  ours: (f) => Effect.runPromise(renderer.render(f.path, f.sniffed, f.metadata)),
  "bare+sharp": async (f) => {
    await runTool(HEIF_CONVERT, [...quality, f.path, out])
    await sharp(out).rotate().resize(400, 400, { fit: "inside" }).jpeg().toBuffer()
  },
  "bare command": (f) => runTool(HEIF_CONVERT, [...quality, f.path, out]),
  "ours decode": (f) => Effect.runPromise(Effect.scoped(heif.decode(f.path)))
}, rounds)
await runtime.dispose()
await rm(dir, { recursive: true, force: true })

const ours = summarise(samples, "ours")
const bareSharp = summarise(samples, "bare+sharp")
const bare = summarise(samples, "bare command")
const oursDecode = summarise(samples, "ours decode")
await emit({
  rounds,
  variants: { ours, "bare+sharp": bareSharp, "bare command": bare, "ours decode": oursDecode },
  ratio: round(ours.setMs / bareSharp.setMs, 2),
  ratioToBareCommand: round(ours.setMs / bare.setMs, 2),
  decodeRatioToBareCommand: round(oursDecode.setMs / bare.setMs, 2),
  goal: 1.2
})
