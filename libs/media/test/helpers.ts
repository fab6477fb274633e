/** Shared test helpers: fixture paths, a scratch folder, and generated media (sharp / ffmpeg). */
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"

export const FIXTURES = path.resolve(import.meta.dirname, "../../../../shared/fixtures/media")
export const fixture = (name: string) => path.join(FIXTURES, name)

/** A scratch folder for generated media, removed by the returned cleanup. */
export const scratch = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "curator-media-test-"))
  return { dir, file: (name: string) => path.join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Runs ffmpeg synchronously to GENERATE test media (not the code under test). */
export const ffmpegGenerate = (args: ReadonlyArray<string>) =>
  execFileSync("/usr/bin/ffmpeg", ["-nostdin", "-v", "error", "-y", ...args], { stdio: ["ignore", "ignore", "pipe"] })

export const PROCESSED = [
  "avif-canon-eos-70d.avif",
  "heic-apple-iphone11pro-portrait.heic",
  "heic-apple-iphone7-gps.heic",
  "heic-samsung-galaxy-s24fe-exif-orient6.heic",
  "jpeg-apple-iphone5-gps-orient3.jpg",
  "jpeg-canon-eos-5d-12mp.jpg",
  "jpeg-canon-s40-exif-stripped.jpg",
  "jpeg-nikon-coolpix-p6000-gps.jpg",
  "jpeg-panasonic-dmc-lz2-orient6.jpg",
  "jpeg-samsung-sm-j327t1-orient6.jpg",
  "jpeg-sony-dsc-hx5v-gps.jpg",
  "png-macos-screenshot-exif.png",
  "video-3gp5-portrait-rot90-zero-gps.mp4",
  "video-apple-iphone6-gps-rot90.mov",
  "video-gopro-max-gpmf-gps.mp4",
  "webp-htc-desire-gps.webp"
] as const

export const TRUNCATED = [
  "truncated-iphone11pro-half.heic",
  "truncated-iphone6-no-moov.mov",
  "truncated-nikon-p6000-half.jpg",
  "truncated-sony-hx5v-header-only.jpg"
] as const

/** The perl ExifTool script exiftool-vendored ships (the reference reader the tests compare with). */
export const EXIFTOOL_SCRIPT = path.resolve(import.meta.dirname, "../../../node_modules/exiftool-vendored.pl/bin/exiftool")

/** Runs the ExifTool CLI synchronously to GENERATE or rewrite test media (not the code under test). */
export const exiftoolGenerate = (args: ReadonlyArray<string>) =>
  execFileSync(EXIFTOOL_SCRIPT, ["-q", "-q", "-overwrite_original", ...args], { stdio: ["ignore", "ignore", "pipe"] })

/** ExifTool's own JSON (`-json -n` plus `args`) for `file`, read with the CLI: the reference values. */
export const exiftoolJson = (file: string, args: ReadonlyArray<string> = []): Record<string, unknown> =>
  (JSON.parse(execFileSync(EXIFTOOL_SCRIPT, ["-json", "-n", "-api", "largefilesupport=1", ...args, file], { encoding: "utf8" })) as Array<Record<string, unknown>>)[0] ?? {}
