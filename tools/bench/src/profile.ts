/**
 * Diagnostic (not part of run-all): splits the HEIC and video paths into their steps, each timed
 * alone and interleaved, to find where our overhead over the bare commands goes.
 *
 * usage: node tools/scripts/bundle.mjs tools/bench/src/profile.ts dist/bench/profile.mjs && node dist/bench/profile.mjs [--rounds N]
 */
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { Effect, ManagedRuntime } from "effect"
import ffmpeg from "fluent-ffmpeg"
import sharp from "sharp"
import { Media, MetadataReader, ThumbnailRenderer } from "@curator/media"
import { argValue, interleavedRounds, loadFixtures, runTool, summarise } from "./common.js"

const rounds = Number(argValue("rounds") ?? 6)
const fixtures = await loadFixtures()
const runtime = ManagedRuntime.make(Media.layerWith({}))
const { reader, renderer } = await runtime.runPromise(Effect.all({ reader: MetadataReader, renderer: ThumbnailRenderer }))
const prep = async (kind: "heic" | "video") =>
  Promise.all(
    fixtures
      .filter((f) => (kind === "video" ? f.sniffed.kind === "video" : f.sniffed.kind === "photo" && f.sniffed.format === "heic"))
      .map(async (f) => ({ ...f, metadata: await Effect.runPromise(reader.read(f.path, f.sniffed)) }))
  )
const dir = await mkdtemp(path.join(tmpdir(), "curator-bench-profile-"))
const out = path.join(dir, "out.jpg")

const heics = await prep("heic")
const heicSamples = await interleavedRounds("profile heic", heics, {
  "ours render": (f) => Effect.runPromise(renderer.render(f.path, f.sniffed, f.metadata)),
  "heif-convert -q 95": (f) => runTool("/usr/bin/heif-convert", ["-q", "95", f.path, out]),
  "sharp(heic).metadata()": (f) => sharp(f.path, { limitInputPixels: false }).metadata(),
  "heif-convert + readFile + metadata + thumb from buffer": async (f) => {
    await runTool("/usr/bin/heif-convert", ["-q", "95", f.path, out])
    const jpeg = await readFile(out)
    await sharp(jpeg).metadata()
    await sharp(jpeg, { failOn: "truncated" }).resize(400, 400, { fit: "inside", withoutEnlargement: true }).jpeg({ quality: 82 }).toBuffer()
  },
  // The native path's explicit orientation (`applyOrientation`: `.rotate(90)` for EXIF 6) against
  // sharp's auto-orientation from the EXIF that heif-convert copies into its JPEG.
  "heif-convert + thumb from buffer, explicit .rotate(90)": async (f) => {
    await runTool("/usr/bin/heif-convert", ["-q", "95", f.path, out])
    const jpeg = await readFile(out)
    await sharp(jpeg).rotate(90).resize(400, 400, { fit: "inside", withoutEnlargement: true }).jpeg({ quality: 82 }).toBuffer()
  },
  "heif-convert + thumb from buffer, .autoOrient()": async (f) => {
    await runTool("/usr/bin/heif-convert", ["-q", "95", f.path, out])
    const jpeg = await readFile(out)
    await sharp(jpeg).autoOrient().resize(400, 400, { fit: "inside", withoutEnlargement: true }).jpeg({ quality: 82 }).toBuffer()
  },
  "heif-convert + thumb from file": async (f) => {
    await runTool("/usr/bin/heif-convert", ["-q", "95", f.path, out])
    await sharp(out).rotate().resize(400, 400, { fit: "inside" }).jpeg().toBuffer()
  }
}, rounds)

const videos = await prep("video")
const scale = "scale=w=min(400\\,iw):h=min(400\\,ih):force_original_aspect_ratio=decrease:flags=bicubic"
const ourArgs = ["-map", "0:v:0", "-frames:v", "1", "-an", "-sn", "-dn", "-vf", scale, "-q:v", "2", "-f", "image2"]
const fluent = (input: string) =>
  new Promise<void>((resolve, reject) =>
    ffmpeg({ stdoutLines: 0 })
      .setFfmpegPath("/usr/bin/ffmpeg")
      .input(`file:${input}`)
      .inputOptions(["-nostdin", "-protocol_whitelist", "file,pipe", "-f", "mov", "-ss", "1.000"])
      .outputOptions(ourArgs)
      .output(out)
      .once("end", () => resolve())
      .once("error", reject)
      .run()
  )
const videoSamples = await interleavedRounds("profile video", videos, {
  "ours render": (f) => Effect.runPromise(renderer.render(f.path, f.sniffed, f.metadata)),
  "fluent-ffmpeg, our args": (f) => fluent(f.path),
  "spawn, our args": (f) => runTool("/usr/bin/ffmpeg", ["-y", "-nostdin", "-protocol_whitelist", "file,pipe", "-f", "mov", "-ss", "1.000", "-i", `file:${f.path}`, ...ourArgs, out]),
  "spawn, our args, -v error": (f) => runTool("/usr/bin/ffmpeg", ["-v", "error", "-y", "-nostdin", "-protocol_whitelist", "file,pipe", "-f", "mov", "-ss", "1.000", "-i", `file:${f.path}`, ...ourArgs, out]),
  "spawn, bare": (f) => runTool("/usr/bin/ffmpeg", ["-v", "error", "-nostdin", "-y", "-ss", "1", "-i", f.path, "-frames:v", "1", "-vf", scale, out])
}, rounds)
await runtime.dispose()
await rm(dir, { recursive: true, force: true })

for (const [label, samples] of [["HEIC", heicSamples], ["video", videoSamples]] as const) {
  console.log(`\n${label} (median ms per file, ${rounds} rounds)`)
  for (const variant of Object.keys(samples)) {
    const s = summarise(samples, variant)
    console.log(`${variant.padEnd(58)} ${s.perFile.map((f) => String(f.medianMs).padStart(7)).join(" ")}  set ${s.setMs}`)
  }
}
