/**
 * What a photo says about the program that wrote it (`software`) and its own comment
 * (`userComment`): the selection tells screenshots and charts from camera photos by them
 * (issue 12 item 9). Checked against ExifTool's own CLI on every photo fixture, and on PNGs
 * made here with the text chunks screenshot tools and plotting libraries write.
 */
import { execFileSync } from "node:child_process"
import { copyFileSync, readFileSync, writeFileSync } from "node:fs"
import path from "node:path"
import zlib from "node:zlib"
import { Effect } from "effect"
import sharp from "sharp"
import { afterAll, describe, expect, it } from "vitest"
import { runWith } from "@curator/contracts/testing"
import { Media, MetadataReader, sniffSync } from "../src/index.js"
import { fixture, PROCESSED, scratch } from "./helpers.js"

const EXIFTOOL = path.resolve(import.meta.dirname, "../../../node_modules/exiftool-vendored.pl/bin/exiftool")
const work = scratch()
afterAll(work.cleanup)

const read = (file: string) =>
  runWith(
    Effect.gen(function* () {
      const sniffed = sniffSync(readFileSync(file).subarray(0, 64))
      if (sniffed === undefined) return yield* Effect.die(`${file} not sniffed`)
      return yield* (yield* MetadataReader).read(file, sniffed)
    }),
    Media.layer
  )

/** ExifTool's reading (`-T`: tab-separated values as written, "-" when absent): `Software`, else XMP `CreatorTool`; `UserComment`. */
const exiftool = (file: string) => {
  const [software, creatorTool, userComment] = execFileSync(EXIFTOOL, ["-T", "-Software", "-CreatorTool", "-UserComment", file], { encoding: "utf8" }).replace(/\n$/, "").split("\t")
  const text = (v: string | undefined) => (v === undefined || v === "-" || v.trim() === "" ? null : v.trim())
  return { software: text(software) ?? text(creatorTool), userComment: text(userComment) }
}

/** A PNG with tEXt chunks (PNG 1.2 §11.3.4.3) added after IHDR, as matplotlib or gnome-screenshot write them. */
const pngWithText = async (chunks: Record<string, string>): Promise<Buffer> => {
  const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#ffffff" } }).png().toBuffer()
  const ihdrEnd = 8 + 4 + 4 + 13 + 4
  const text = Object.entries(chunks).map(([keyword, value]) => {
    const body = Buffer.concat([Buffer.from("tEXt", "latin1"), Buffer.from(`${keyword}\0${value}`, "latin1")])
    const length = Buffer.alloc(4)
    length.writeUInt32BE(body.length - 4)
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(zlib.crc32(body))
    return Buffer.concat([length, body, crc])
  })
  return Buffer.concat([png.subarray(0, ihdrEnd), ...text, png.subarray(ihdrEnd)])
}

describe("MetadataReader: software and user comment", () => {
  it("agrees with ExifTool on every photo fixture (the macOS screenshot says \"Screenshot\")", async () => {
    const photos = PROCESSED.filter((name) => !/^video-/.test(name))
    for (const name of photos) {
      const m = await read(fixture(name))
      expect({ name, software: m.software ?? null, userComment: m.userComment ?? null }).toEqual({ name, ...exiftool(fixture(name)) })
    }
    expect((await read(fixture("png-macos-screenshot-exif.png"))).userComment).toBe("Screenshot")
    expect((await read(fixture("jpeg-nikon-coolpix-p6000-gps.jpg"))).software).toBe("Nikon Transfer 1.1 W")
  })

  it("reads the PNG text chunks plotting libraries and screenshot tools write, as ExifTool does", async () => {
    const cases: ReadonlyArray<Record<string, string>> = [
      { Software: "Matplotlib version3.6.3, https://matplotlib.org/" },
      { Software: "gnome-screenshot", Description: "Screenshot of the desktop" },
      { Comment: "Screenshot" }
    ]
    for (const [k, chunks] of cases.entries()) {
      const file = work.file(`text-${k}.png`)
      writeFileSync(file, await pngWithText(chunks))
      const m = await read(file)
      // ExifTool lists PNG Comment/Description under their own names, not as UserComment.
      expect({ software: m.software, userComment: m.userComment }).toEqual({ software: exiftool(file).software, userComment: chunks.Comment ?? chunks.Description ?? null })
    }
  })

  it("decodes EXIF UserComment by its character code (EXIF 2.32 Table 9), in either byte order", async () => {
    // ExifTool writes a non-ASCII comment with the UNICODE code, UCS-2 in the TIFF header's byte order:
    // the Canon 5D's EXIF is little-endian (II), the iPhone 5's big-endian (MM).
    for (const name of ["jpeg-canon-eos-5d-12mp.jpg", "jpeg-apple-iphone5-gps-orient3.jpg"]) {
      const file = work.file(`unicode-${name}`)
      copyFileSync(fixture(name), file)
      execFileSync(EXIFTOOL, ["-q", "-overwrite_original", "-UserComment=Capture d’écran", file])
      expect(execFileSync(EXIFTOOL, ["-v3", file], { encoding: "latin1" })).toMatch(/UserComment = UNICODE/)
      expect({ name, userComment: (await read(file)).userComment }).toEqual({ name, userComment: "Capture d’écran" })
    }
  })
})
