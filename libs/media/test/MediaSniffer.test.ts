import { randomBytes } from "node:crypto"
import { readFileSync } from "node:fs"
import { Effect, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { failureOf, runTest } from "@curator/contracts/testing"
import { sniff, sniffSync } from "../src/index.js"
import { fixture, PROCESSED, TRUNCATED } from "./helpers.js"

const header = (name: string) => new Uint8Array(readFileSync(fixture(name)).subarray(0, 64))
const ftyp = (major: string, ...compatible: Array<string>) => {
  const size = 16 + 4 * compatible.length
  const bytes = Buffer.alloc(64)
  bytes.writeUInt32BE(size, 0)
  bytes.write(`ftyp${major}\0\0\0\0${compatible.join("")}`, 4, "latin1")
  return new Uint8Array(bytes)
}

describe("MediaSniffer", () => {
  it("sniffs every fixture from its magic bytes", async () => {
    const formats = Object.fromEntries(await Promise.all([...PROCESSED, ...TRUNCATED].map(async (n) => [n, (await runTest(sniff(header(n)))).format])))
    expect(formats).toEqual({
      "avif-canon-eos-70d.avif": "avif",
      "heic-apple-iphone11pro-portrait.heic": "heic",
      "heic-apple-iphone7-gps.heic": "heic",
      "heic-samsung-galaxy-s24fe-exif-orient6.heic": "heic",
      "jpeg-apple-iphone5-gps-orient3.jpg": "jpeg",
      "jpeg-canon-eos-5d-12mp.jpg": "jpeg",
      "jpeg-canon-s40-exif-stripped.jpg": "jpeg",
      "jpeg-nikon-coolpix-p6000-gps.jpg": "jpeg",
      "jpeg-panasonic-dmc-lz2-orient6.jpg": "jpeg",
      "jpeg-samsung-sm-j327t1-orient6.jpg": "jpeg",
      "jpeg-sony-dsc-hx5v-gps.jpg": "jpeg",
      "png-macos-screenshot-exif.png": "png",
      "video-3gp5-portrait-rot90-zero-gps.mp4": "3gp",
      "video-apple-iphone6-gps-rot90.mov": "mov",
      "video-gopro-max-gpmf-gps.mp4": "mp4",
      "webp-htc-desire-gps.webp": "webp",
      "truncated-iphone11pro-half.heic": "heic",
      "truncated-iphone6-no-moov.mov": "mov",
      "truncated-nikon-p6000-half.jpg": "jpeg",
      "truncated-sony-hx5v-header-only.jpg": "jpeg"
    })
  })

  it("gives kind, mime and extension", () => {
    expect(sniffSync(header("video-3gp5-portrait-rot90-zero-gps.mp4"))).toEqual({ kind: "video", format: "3gp", mime: "video/3gpp", ext: "3gp" })
    expect(sniffSync(header("heic-apple-iphone7-gps.heic"))).toEqual({ kind: "photo", format: "heic", mime: "image/heic", ext: "heic" })
    expect(sniffSync(header("video-apple-iphone6-gps-rot90.mov"))).toEqual({ kind: "video", format: "mov", mime: "video/quicktime", ext: "mov" })
  })

  it("decides ISO-BMFF files by their brands", () => {
    expect(sniffSync(ftyp("mif1", "mif1", "heic"))?.format).toBe("heic")
    expect(sniffSync(ftyp("mif1", "mif1", "avif", "miaf"))?.format).toBe("avif")
    expect(sniffSync(ftyp("avis", "avis", "msf1"))?.format).toBe("avif")
    expect(sniffSync(ftyp("isom", "isom", "iso2", "avc1", "mp41"))?.format).toBe("mp4")
    expect(sniffSync(ftyp("3g2a", "3g2a"))?.format).toBe("3gp")
    expect(sniffSync(ftyp("qt  ", "qt  "))?.format).toBe("mov")
    expect(sniffSync(ftyp("M4A ", "M4A ", "mp42", "isom"))?.format).toBe("mp4")
    expect(sniffSync(ftyp("crx ", "crx "))).toBeUndefined()
  })

  it("refuses random bytes and names known unsupported formats", async () => {
    const random = await Effect.runPromiseExit(sniff(new Uint8Array(randomBytes(64))))
    expect(Exit.isFailure(random)).toBe(true)
    expect((failureOf(random) as { _tag: string })._tag).toBe("UnsupportedMediaError")
    const gif = await Effect.runPromiseExit(sniff(new TextEncoder().encode("GIF89a" + "\0".repeat(58))))
    expect((failureOf(gif) as { message: string }).message).toMatch(/^GIF images are not supported/)
  })

  it("an HLS playlist files are not supported: every known format is named in a grammatical sentence", async () => {
    const message = async (text: string) => (failureOf(await Effect.runPromiseExit(sniff(new TextEncoder().encode(text.padEnd(64, "\n"))))) as { message: string }).message
    expect(await message("#EXTM3U")).toMatch(/^HLS playlists are not supported: Curator takes JPEG, PNG, WebP, HEIC and AVIF photos and MP4, MOV and 3GP videos$/)
    expect(await message("ffconcat version 1.0")).toMatch(/^ffmpeg concat scripts are not supported: /)
    expect(await message("%PDF-1.7")).toMatch(/^PDF documents are not supported: /)
    expect(await message("PK\u0003\u0004")).toMatch(/^ZIP archives are not supported: /)
    // No article before a plural anywhere ("an HLS playlist files").
    for (const text of ["#EXTM3U", "ffconcat", "%PDF-", "PK\u0003\u0004", "GIF89a", "BM", "RIFF\0\0\0\0AVI "]) expect(await message(text)).not.toMatch(/^(a|an) /i)
  })

  it("a zero-byte file is \"empty file\", not \"unknown file signature\"", async () => {
    const empty = failureOf(await Effect.runPromiseExit(sniff(new Uint8Array(0)))) as { _tag: string; message: string }
    expect(empty._tag).toBe("CorruptMediaError")
    expect(empty.message).toMatch(/^empty file \(0 bytes\)/)
    expect(empty.message).not.toMatch(/signature/)
  })
})
