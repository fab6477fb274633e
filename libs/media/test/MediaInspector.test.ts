import { randomBytes } from "node:crypto"
import { chmodSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { createHash } from "node:crypto"
import { Effect } from "effect"
import sharp from "sharp"
import { afterAll, describe, expect, it } from "vitest"
import { failureOf, runExit, runWith } from "@curator/contracts/testing"
import { Media, MediaInspector, type InspectedMedia } from "../src/index.js"
import { FIXTURES, PROCESSED, TRUNCATED, fixture, scratch } from "./helpers.js"

const inspect = (name: string, path = fixture(name)) =>
  Effect.gen(function* () {
    const inspector = yield* MediaInspector
    return yield* inspector.inspect({ path, fileName: name })
  })

describe("MediaInspector on the fixtures", () => {
  const results = new Map<string, InspectedMedia>()

  it("accounts for all 20 fixtures: 16 processed, 4 truncated", () => {
    const all = readdirSync(FIXTURES).filter((f) => f !== "MANIFEST.md").sort()
    expect(all).toEqual([...PROCESSED, ...TRUNCATED].sort())
  })

  it.each(PROCESSED)("inspects %s", async (name) => {
    const result = await runWith(inspect(name), Media.layerWith({}))
    results.set(name, result)
    const bytes = readFileSync(fixture(name))
    expect(result.bytes).toBe(bytes.length)
    expect(result.contentHash).toBe(createHash("sha256").update(bytes).digest("hex"))
    expect(Math.max(result.thumbnail.width, result.thumbnail.height)).toBeLessThanOrEqual(400)
    const thumb = await sharp(result.thumbnail.jpeg).metadata()
    expect(thumb.format).toBe("jpeg")
    expect([thumb.width, thumb.height]).toEqual([result.thumbnail.width, result.thumbnail.height])
    // The thumbnail has the displayed aspect ratio (orientation / rotation applied).
    const displayed = result.metadata.width / result.metadata.height
    expect(Math.abs(result.thumbnail.width / result.thumbnail.height - displayed)).toBeLessThan(0.03)
  })

  it.each(TRUNCATED)("reports %s as corrupt with a reason", async (name) => {
    const exit = await runExit(inspect(name), Media.layerWith({}))
    const error = failureOf(exit) as { _tag: string; message: string }
    expect(error._tag).toBe("CorruptMediaError")
    expect(error.message).toMatch(/truncated|interrupted|ends early/i)
  })

  it("names the truncated JPEG's problem in plain words", async () => {
    for (const name of ["truncated-nikon-p6000-half.jpg", "truncated-sony-hx5v-header-only.jpg"]) {
      const error = failureOf(await runExit(inspect(name), Media.layerWith({}))) as { message: string }
      expect(error.message).toMatch(/^JPEG data ends early: the file is truncated/)
    }
  })
})

describe("MediaInspector on generated media", () => {
  const tmp = scratch()
  afterAll(tmp.cleanup)

  it("one unreadable file: a mode-000 file fails with UnreadableFileError (EACCES), not a defect", async () => {
    const path = tmp.file("locked.jpg")
    writeFileSync(path, readFileSync(fixture("jpeg-nikon-coolpix-p6000-gps.jpg")))
    chmodSync(path, 0o000)
    // Root reads any file: drop the effective uid to nobody's (65534) for the read, as a normal user runs it.
    const asRoot = process.getuid?.() === 0
    if (asRoot) process.seteuid?.(65534)
    let exit: Awaited<ReturnType<typeof runExit>>
    try {
      exit = await runExit(inspect("locked.jpg", path), Media.layerWith({}))
    } finally {
      if (asRoot) process.seteuid?.(0)
    }
    const error = failureOf(exit) as { _tag: string; message: string }
    expect(error._tag).toBe("UnreadableFileError")
    expect(error.message).toBe("locked.jpg cannot be read: permission denied (EACCES); check the file's permissions")
  })

  it("refuses random bytes with UnsupportedMediaError", async () => {
    const path = tmp.file("random.jpg")
    writeFileSync(path, randomBytes(4096))
    const error = failureOf(await runExit(inspect("random.jpg", path), Media.layerWith({}))) as { _tag: string }
    expect(error._tag).toBe("UnsupportedMediaError")
  })

  it("refuses a GIF named .jpg, naming the format", async () => {
    const path = tmp.file("really-a-gif.jpg")
    await sharp({ create: { width: 8, height: 8, channels: 3, background: "red" } }).gif().toFile(path)
    const error = failureOf(await runExit(inspect("really-a-gif.jpg", path), Media.layerWith({}))) as { _tag: string; message: string }
    expect(error._tag).toBe("UnsupportedMediaError")
    expect(error.message).toMatch(/GIF/)
  })

  it("sniffs a PNG named .jpg as PNG (magic bytes, not the extension)", async () => {
    const path = tmp.file("png-named.jpg")
    await sharp({ create: { width: 64, height: 32, channels: 3, background: "blue" } }).png().toFile(path)
    const result = await runWith(inspect("png-named.jpg", path), Media.layerWith({}))
    expect(result.sniffed.format).toBe("png")
    expect([result.metadata.width, result.metadata.height]).toEqual([64, 32])
  })

  it("fails a photo over the byte limit with MediaTooLargeError", async () => {
    const exit = await runExit(inspect("jpeg-nikon-coolpix-p6000-gps.jpg"), Media.layerWith({ maxPhotoBytes: 100_000 }))
    const error = failureOf(exit) as { _tag: string; message: string }
    expect(error._tag).toBe("MediaTooLargeError")
    expect(error.message).toMatch(/0\.2 MB, over the 0\.1 MB limit for a photo/)
  })

  it("fails a video over the byte limit with MediaTooLargeError", async () => {
    const exit = await runExit(inspect("video-apple-iphone6-gps-rot90.mov"), Media.layerWith({ maxVideoBytes: 100_000 }))
    expect((failureOf(exit) as { _tag: string })._tag).toBe("MediaTooLargeError")
  })
})
