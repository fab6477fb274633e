/**
 * The bundle task (issue 7) on real fixtures: folder BlobStore, the embedded
 * dynalite PostStore, real ExifTool and ffmpeg. ZIPs are read back with yauzl,
 * photos' metadata with exifr, videos' with ExifTool (an independent read
 * through its command line) and ffprobe.
 */
import { execFileSync } from "node:child_process"
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { readFile } from "node:fs/promises"
import path from "node:path"
import { BlobKeys, type BundleTaskEvent, type DownloadPostRecord, type ExportEntry, IDENTITY_VIDEO_ADJUSTMENTS } from "@curator/contracts"
import { failureOf } from "@curator/contracts/testing"
import { BlobStore, PostStore } from "@curator/store"
import { SessionStoreLocal } from "@curator/store/local"
import { Effect, type Exit, Layer, ManagedRuntime } from "effect"
import exifr from "exifr"
import sharp from "sharp"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import yauzl from "yauzl"
import {
  BUNDLE_NAME_LENGTH,
  bundleName,
  bundleTask,
  GpsStripper,
  labelSlug,
  Media,
  MetadataReader,
  planBundles,
  runBundleTask,
  VideoEnhancer,
  zipEntryOverhead,
  ZIP_ARCHIVE_OVERHEAD
} from "../src/index.js"
import { ffmpegGenerate, fixture, scratch } from "./helpers.js"
import { endExiftool, exifOrientedPhoto, heifExifOnlyPhoto, heifOrientedPhoto, orientationTags, PATTERN, quadrants } from "./orientationFixtures.js"

const EXIFTOOL = path.resolve(import.meta.dirname, "../../../node_modules/exiftool-vendored.pl/bin/exiftool")
const expiresAt = Math.floor(Date.now() / 1000) + 3600
const work = scratch()
const layer = Layer.mergeAll(
  BlobStore.layerLocal({ root: work.file("blobs") }),
  SessionStoreLocal.layer({ dataDir: work.file("db") }),
  GpsStripper.layer.pipe(Layer.provideMerge(Media.layerWith({})))
)
// One runtime for the whole file (dynalite and the ExifTool process start once; disposed at the end).
const runtime = ManagedRuntime.make(layer)
const run = <A, E>(effect: Effect.Effect<A, E, Layer.Success<typeof layer>>): Promise<Exit.Exit<A, unknown>> => runtime.runPromiseExit(effect)

beforeAll(async () => {
  await runtime.runPromise(PostStore.use(() => Effect.void))
}, 60_000)

afterAll(async () => {
  await endExiftool()
  await runtime.dispose()
  work.cleanup()
})

const ok = async <A, E>(effect: Effect.Effect<A, E, Layer.Success<typeof layer>>): Promise<A> => {
  const exit = await run(effect)
  if (exit._tag === "Success") return exit.value
  throw failureOf(exit)
}

/** Uploads a fixture under its original key and returns its export entry at carousel position `n`. */
const upload = async (sessionId: string, fileId: string, name: string, n: number): Promise<ExportEntry> => {
  const ext = path.extname(name).slice(1)
  const key = BlobKeys.original(sessionId, fileId, ext)
  await ok(BlobStore.use((b) => b.putFile(key, fixture(name), "application/octet-stream")))
  const bytes = readFileSync(fixture(name)).byteLength
  return {
    fileId,
    key,
    entryName: `${String(n).padStart(2, "0")}-${path.basename(name, path.extname(name))}.${ext}`,
    kind: /\.(mov|mp4)$/.test(name) ? "video" : "photo",
    bytes
  }
}

/** Creates a download job with one post holding `entries`; returns the bundle task's event. */
const startDownload = async (
  sessionId: string,
  jobId: string,
  post: { readonly postId: string; readonly index: number; readonly label: string; readonly entries: ReadonlyArray<ExportEntry> },
  options: { readonly keepGps: boolean; readonly bundleBytes: number }
): Promise<BundleTaskEvent> => {
  const record: DownloadPostRecord = { ...post, status: "pending", bundles: [], errorTag: null, errorMessage: null, expiresAt }
  await ok(
    PostStore.use((p) =>
      p.createDownloadJob(
        sessionId,
        {
          jobId, status: "running", keepGps: options.keepGps, bundleBytes: options.bundleBytes, generation: 0,
          postRevisions: { [post.postId]: 0 }, startedAt: new Date().toISOString(), finishedAt: null, errorTag: null,
          errorMessage: null, expiresAt
        },
        [record]
      )
    )
  )
  return { sessionId, jobId, expiresAt, keepGps: options.keepGps, bundleBytes: options.bundleBytes, postId: post.postId }
}

/** The entries of a ZIP file, in central-directory order, with their data. */
const readZip = (file: string): Promise<ReadonlyArray<{ name: string; method: number; data: Buffer }>> =>
  new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error !== null || zip === undefined) return reject(error)
      const out: Array<{ name: string; method: number; data: Buffer }> = []
      zip.on("error", reject)
      zip.on("end", () => resolve(out))
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (err, stream) => {
          if (err !== null || stream === undefined) return reject(err)
          const chunks: Array<Buffer> = []
          stream.on("data", (c: Buffer) => chunks.push(c))
          stream.on("end", () => {
            out.push({ name: entry.fileName, method: entry.compressionMethod, data: Buffer.concat(chunks) })
            zip.readEntry()
          })
        })
      })
      zip.readEntry()
    })
  })

/** Downloads a bundle blob and reads it. */
const bundleEntries = async (sessionId: string, jobId: string, name: string) => {
  const local = work.file(`${sessionId}-${jobId}-${name}.zip`)
  await ok(BlobStore.use((b) => b.download(BlobKeys.bundle(sessionId, jobId, name), local)))
  return readZip(local)
}

/** Location tags ExifTool finds in a file (its command line, independent of the code under test). */
const exiftoolLocation = (file: string): ReadonlyArray<string> =>
  execFileSync(EXIFTOOL, ["-a", "-G1", "-s", "-ee", "-api", "largefilesupport=1", file])
    .toString("utf8")
    .split("\n")
    .filter((line) => /GPS(Latitude|Longitude|Position|Coordinates)|ISO6709|LocationInformation/i.test(line))

/** Writes an extracted entry to the scratch folder (tools read files). */
const extract = (dir: string, entry: { name: string; data: Buffer }) => {
  mkdirSync(work.file(dir), { recursive: true })
  const file = work.file(path.join(dir, entry.name))
  writeFileSync(file, entry.data)
  return file
}

const ffprobeTags = (file: string): string =>
  execFileSync("/usr/bin/ffprobe", ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file]).toString("utf8")

describe("planBundles and names", () => {
  const entry = (n: number, bytes: number): ExportEntry => ({ fileId: `f${n}`, key: `s/original/f${n}.jpg`, entryName: `${String(n).padStart(2, "0")}-x.jpg`, kind: "photo", bytes })
  const overhead = zipEntryOverhead(8)

  it("packs greedily in carousel order; an entry over the limit gets a bundle of its own; parts are numbered", () => {
    const limit = ZIP_ARCHIVE_OVERHEAD + 2 * (100 + overhead)
    const plan = planBundles({ index: 0, label: "Lisbon: Día 1", entries: [entry(1, 100), entry(2, 100), entry(3, 101), entry(4, 5000), entry(5, 10)] }, limit)
    expect(plan.map((b) => [b.name, b.entries.map((e) => e.fileId)])).toEqual([
      ["01-lisbon-dia-1-part1", ["f1", "f2"]],
      ["01-lisbon-dia-1-part2", ["f3"]],
      ["01-lisbon-dia-1-part3", ["f4"]],
      ["01-lisbon-dia-1-part4", ["f5"]]
    ])
  })

  it("one bundle without a part suffix; no entries -> no bundles", () => {
    expect(planBundles({ index: 11, label: "", entries: [entry(1, 10), entry(2, 10)] }, 1024 * 1024).map((b) => b.name)).toEqual(["12-post"])
    expect(planBundles({ index: 0, label: "x", entries: [] }, 1024)).toEqual([])
  })

  it("slugs transliterate: Rødberg is rodberg, every script reads as Latin letters", () => {
    expect(labelSlug("Rødberg, Norway · 3 Jun 2024")).toBe("rodberg-norway-3-jun-2024")
    expect(labelSlug("Ærøskøbing")).toBe("aeroskobing")
    expect(labelSlug("Þórshöfn")).toBe("thorshofn")
    expect(labelSlug("Łódź · Kraków")).toBe("lodz-krakow")
    expect(labelSlug("Straße in Zürich")).toBe("strasse-in-zurich")
    expect(labelSlug("Петах-Тиква")).toBe("petakh-tikva")
    expect(labelSlug("Αθήνα")).toBe("athina")
    expect(labelSlug("東京")).toBe("dongjing")
    expect(labelSlug("Đà Nẵng 🎉")).toBe("da-nang")
  })

  it("names hold only [a-z0-9-] and at most 100 characters, the part suffix kept", () => {
    expect(labelSlug("  ..Ünïcödé / 東京 !! ")).toBe("unicode-dongjing")
    expect(labelSlug("!! ?")).toBe("post")
    const long = bundleName(99, "a".repeat(300), 12)
    expect(long.length).toBe(BUNDLE_NAME_LENGTH)
    expect(long).toMatch(/^100-a+-part12$/)
    expect(bundleName(0, `${"b".repeat(96)}-c`, null)).toMatch(/^01-b+$/)
    for (const name of [long, bundleName(3, "Ça va? <script>", null)]) expect(name).toMatch(/^[a-z0-9-]+$/)
  })
})

describe("GpsStripper.layer", () => {
  it("fails with InternalDefectError naming MEDIA_EXIFTOOL_PATH when the ExifTool script is missing", async () => {
    const broken = GpsStripper.layer.pipe(Layer.provide(Media.layerWith({ exiftoolPath: work.file("no-such-exiftool") })))
    const exit = await Effect.runPromiseExit(Effect.scoped(Layer.build(broken)))
    expect(failureOf(exit)).toMatchObject({ _tag: "InternalDefectError", message: expect.stringContaining("MEDIA_EXIFTOOL_PATH") })
  })
})

describe("bundleTask", () => {
  const photos = ["jpeg-apple-iphone5-gps-orient3.jpg", "heic-apple-iphone7-gps.heic", "jpeg-nikon-coolpix-p6000-gps.jpg"]
  const videos = ["video-apple-iphone6-gps-rot90.mov", "video-gopro-max-gpmf-gps.mp4"]

  it("is the task definition: event and result Schemas and the program", () => {
    expect(bundleTask.program).toBe(runBundleTask)
  })

  it("strips GPS from a photo whose EXIF ExifTool refuses to edit in place (metadata rebuilt first) and from a WebP", async () => {
    const odd = ["jpeg-sony-dsc-hx5v-gps.jpg", "webp-htc-desire-gps.webp"]
    const entries = await Promise.all(odd.map((name, i) => upload("s-odd", `f${i}`, name, i + 1)))
    const event = await startDownload("s-odd", "d1", { postId: "p1", index: 0, label: "Odd ones", entries }, { keepGps: false, bundleBytes: 375 * 1024 * 1024 })
    await ok(runBundleTask(event))
    const zip = await bundleEntries("s-odd", "d1", "01-odd-ones")
    expect(zip.map((e) => e.name)).toEqual(entries.map((e) => e.entryName))
    for (const [i, entry] of zip.entries()) {
      expect(exiftoolLocation(fixture(odd[i]!)).length, entry.name).toBeGreaterThan(0)
      expect(exiftoolLocation(extract("odd", entry)), entry.name).toEqual([])
    }
    // exifr reads JPEG (not WebP): a second reader agrees for the JPEG.
    expect((await exifr.parse(zip[0]!.data, { gps: true }))?.latitude).toBeUndefined()
    const sony = await exifr.parse(zip[0]!.data, { exif: true })
    expect(sony?.DateTimeOriginal).toBeInstanceOf(Date)
    expect(sony?.Make).toBe("SONY")
  })

  it("strips GPS from photos and videos (EXIF, Keys, UserData, GPMF track), keeps DateTimeOriginal, STORE entries in carousel order", async () => {
    const entries = await Promise.all([...photos, ...videos].map((name, i) => upload("s1", `f${i}`, name, i + 1)))
    const event = await startDownload("s1", "d1", { postId: "p1", index: 0, label: "Trip day", entries }, { keepGps: false, bundleBytes: 375 * 1024 * 1024 })
    const result = await ok(runBundleTask(event))
    expect(result.bundles.map((b) => [b.name, b.entries])).toEqual([["01-trip-day", entries.map((e) => e.entryName)]])
    const zip = await bundleEntries("s1", "d1", "01-trip-day")
    expect(zip.map((e) => e.name)).toEqual(entries.map((e) => e.entryName))
    expect(zip.every((e) => e.method === 0)).toBe(true)
    expect(result.bundles[0]!.bytes).toBe((await ok(BlobStore.use((b) => b.head(BlobKeys.bundle("s1", "d1", "01-trip-day"))))).bytes)
    expect((await ok(BlobStore.use((b) => b.head(BlobKeys.bundle("s1", "d1", "01-trip-day"))))).contentType).toBe("application/zip")

    for (const [i, entry] of zip.entries()) {
      const file = extract("strip", entry)
      expect(exiftoolLocation(file), entry.name).toEqual([])
      // The original had a location (the check is not vacuous).
      expect(exiftoolLocation(fixture([...photos, ...videos][i]!)).length, entry.name).toBeGreaterThan(0)
    }
    for (const entry of zip.slice(0, photos.length)) {
      const tags = await exifr.parse(entry.data, { gps: true, exif: true })
      expect(tags?.latitude, entry.name).toBeUndefined()
      expect(tags?.DateTimeOriginal, entry.name).toBeInstanceOf(Date)
    }
    // Lossless: an upright JPEG's image data is unchanged (exiftool's own hash of the scan data).
    const hash = (file: string) => execFileSync(EXIFTOOL, ["-s3", "-ImageDataHash", "-api", "ImageHashType=SHA256", file]).toString().trim()
    expect(hash(extract("strip", zip[2]!))).toBe(hash(fixture(photos[2]!)))
    // Videos: no location in the container tags, the GoPro's GPMF track gone, the picture stream copied as is.
    const mov = ffprobeTags(extract("strip", zip[3]!))
    expect(mov).not.toMatch(/ISO6709|"location/i)
    expect(mov).toMatch(/"creation_time"/)
    const gopro = JSON.parse(ffprobeTags(extract("strip", zip[4]!))) as { streams: Array<{ codec_type: string; codec_tag_string: string; nb_frames?: string }> }
    expect(gopro.streams.map((s) => s.codec_tag_string)).not.toContain("gpmd")
    const source = JSON.parse(ffprobeTags(fixture(videos[1]!))) as typeof gopro
    expect(gopro.streams.find((s) => s.codec_type === "video")?.nb_frames).toBe(source.streams.find((s) => s.codec_type === "video")?.nb_frames)

    const stored = await ok(PostStore.use((p) => p.getDownloadPost("s1", "d1", "p1")))
    expect([stored.status, stored.bundles]).toEqual(["done", result.bundles])
  }, 180_000)

  it("keepGps copies upright photos and videos as they are; a rotated original is turned upright, GPS kept", async () => {
    const entries = await Promise.all([photos[2]!, videos[0]!, photos[0]!].map((name, i) => upload("s2", `f${i}`, name, i + 1)))
    const event = await startDownload("s2", "d1", { postId: "p1", index: 1, label: "", entries }, { keepGps: true, bundleBytes: 375 * 1024 * 1024 })
    const result = await ok(runBundleTask(event))
    expect(result.bundles.map((b) => b.name)).toEqual(["02-post"])
    const zip = await bundleEntries("s2", "d1", "02-post")
    expect(zip.map((e) => e.name)).toEqual(entries.map((e) => e.entryName))
    expect(zip[0]!.data.equals(readFileSync(fixture(photos[2]!)))).toBe(true)
    expect(zip[1]!.data.equals(readFileSync(fixture(videos[0]!)))).toBe(true)
    // The iPhone 5 JPEG (Orientation 3): turned 180 degrees losslessly, Orientation 1, GPS still there.
    expect((await exifr.gps(zip[2]!.data))?.latitude).toBeCloseTo(47.62717, 4)
    const tags = await orientationTags(extract("keep", zip[2]!))
    expect(tags.length > 0 && tags.every((o) => o === 1), `Orientation ${tags.join(",")}`).toBe(true)
  }, 120_000)

  it("splits into several bundles under a small bundleBytes, each at most that size, the names numbered", async () => {
    const names = [...photos, videos[0]!]
    const entries = await Promise.all(names.map((name, i) => upload("s3", `f${i}`, name, i + 1)))
    const bundleBytes = 1024 * 1024 + 600 * 1024 // 1.6 MiB: the 2.3 MB iPhone JPEG alone, then the rest
    const event = await startDownload("s3", "d1", { postId: "p1", index: 2, label: "Día 3 — Porto", entries }, { keepGps: true, bundleBytes })
    const result = await ok(runBundleTask(event))
    expect(result.bundles.map((b) => [b.name, b.entries])).toEqual([
      ["03-dia-3-porto-part1", [entries[0]!.entryName]],
      ["03-dia-3-porto-part2", [entries[1]!.entryName, entries[2]!.entryName, entries[3]!.entryName]]
    ])
    const all = []
    for (const bundle of result.bundles) {
      if (bundle.entries.length > 1) expect(bundle.bytes).toBeLessThanOrEqual(bundleBytes)
      all.push(...(await bundleEntries("s3", "d1", bundle.name)).map((e) => e.name))
    }
    expect(all).toEqual(entries.map((e) => e.entryName))
  }, 120_000)

  it("an idempotent retry: a done post returns its bundles without writing again", async () => {
    const entries = [await upload("s4", "f0", photos[2]!, 1)]
    const event = await startDownload("s4", "d1", { postId: "p1", index: 0, label: "Again", entries }, { keepGps: false, bundleBytes: 375 * 1024 * 1024 })
    const first = await ok(runBundleTask(event))
    await ok(BlobStore.use((b) => b.delete(BlobKeys.bundle("s4", "d1", "01-again"))))
    const second = await ok(runBundleTask(event))
    expect(second).toEqual(first)
    const exit = await run(BlobStore.use((b) => b.head(BlobKeys.bundle("s4", "d1", "01-again"))))
    expect(failureOf(exit)).toMatchObject({ _tag: "NotFoundError" })
  }, 120_000)

  it("a missing blob is NotFoundError and the post is not marked done; a missing post is NotFoundError", async () => {
    const entries = [await upload("s5", "f0", photos[2]!, 1)]
    const missing: ExportEntry = { ...entries[0]!, fileId: "gone", key: BlobKeys.original("s5", "gone", "jpg"), entryName: "02-gone.jpg" }
    for (const keepGps of [false, true]) {
      const jobId = keepGps ? "d2" : "d1"
      const event = await startDownload("s5", jobId, { postId: "p1", index: 0, label: "x", entries: [...entries, missing] }, { keepGps, bundleBytes: 375 * 1024 * 1024 })
      expect(failureOf(await run(runBundleTask(event)))).toMatchObject({ _tag: "NotFoundError" })
      expect((await ok(PostStore.use((p) => p.getDownloadPost("s5", jobId, "p1")))).status).toBe("processing")
      expect(failureOf(await run(BlobStore.use((b) => b.head(BlobKeys.bundle("s5", jobId, "01-x")))))).toMatchObject({ _tag: "NotFoundError" })
    }
    const exit = await run(runBundleTask({ sessionId: "s5", jobId: "nope", postId: "p1", expiresAt, keepGps: false, bundleBytes: 1024 * 1024 }))
    expect(failureOf(exit)).toMatchObject({ _tag: "NotFoundError" })
  }, 120_000)

  it("strips the 3GPP `loci` location box ffmpeg writes (UserData:LocationInformation)", async () => {
    const clip = work.file("loci.mp4")
    ffmpegGenerate(["-f", "lavfi", "-i", "testsrc2=s=320x240:r=10", "-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-metadata", "location=+48.8584+002.2945/", clip])
    expect(exiftoolLocation(clip).join("\n")).toMatch(/LocationInformation/)
    const key = BlobKeys.original("s7", "f0", "mp4")
    await ok(BlobStore.use((b) => b.putFile(key, clip, "video/mp4")))
    const entries: Array<ExportEntry> = [{ fileId: "f0", key, entryName: "01-loci.mp4", kind: "video", bytes: readFileSync(clip).byteLength }]
    const event = await startDownload("s7", "d1", { postId: "p1", index: 0, label: "loci", entries }, { keepGps: false, bundleBytes: 375 * 1024 * 1024 })
    await ok(runBundleTask(event))
    const [entry] = await bundleEntries("s7", "d1", "01-loci")
    expect(exiftoolLocation(extract("loci", entry!))).toEqual([])
  }, 60_000)

  it("a file ExifTool cannot rewrite is CorruptMediaError", async () => {
    const entries = [await upload("s6", "f0", "truncated-sony-hx5v-header-only.jpg", 1)]
    const event = await startDownload("s6", "d1", { postId: "p1", index: 0, label: "x", entries }, { keepGps: false, bundleBytes: 375 * 1024 * 1024 })
    expect(failureOf(await run(runBundleTask(event)))).toMatchObject({ _tag: "CorruptMediaError" })
  }, 60_000)
})

/** Uploads a generated file as an original and returns its export entry at carousel position `n`. */
const uploadFile = async (sessionId: string, fileId: string, file: string, n: number, kind: "photo" | "video" = "photo"): Promise<ExportEntry> => {
  const ext = path.extname(file).slice(1)
  const key = BlobKeys.original(sessionId, fileId, ext)
  await ok(BlobStore.use((b) => b.putFile(key, file, "application/octet-stream")))
  return { fileId, key, entryName: `${String(n).padStart(2, "0")}-${path.basename(file)}`, kind, bytes: readFileSync(file).byteLength }
}

describe("bundle entries of rotated originals are upright with Orientation 1 (issue 12 item 3)", () => {
  it.each([false, true])("keepGps %s: JPEG (eight orientations, MCU-aligned and not), PNG, WebP, HEIC with EXIF only and with irot + EXIF", async (keepGps) => {
    const dir = work.file(`rotated-${keepGps}`)
    mkdirSync(dir, { recursive: true })
    const files: Array<string> = []
    for (let o = 1; o <= 8; o++) files.push(await exifOrientedPhoto(dir, "jpeg", o))
    // 100x70 px: not a multiple of the 16 px MCU, so jpegtran cannot turn it perfectly (re-encoded instead).
    const odd = path.join(dir, "odd-6.jpg")
    await sharp(await readFile(files[5]!)).resize(70, 100, { fit: "fill" }).keepExif().jpeg({ quality: 95 }).toFile(odd)
    files.push(odd)
    const pngDir = path.join(dir, "png")
    const webpDir = path.join(dir, "webp")
    mkdirSync(pngDir)
    mkdirSync(webpDir)
    files.push(await exifOrientedPhoto(pngDir, "png", 6), await exifOrientedPhoto(webpDir, "webp", 8))
    // A HEIC whose only orientation is EXIF 6 (the Samsung S24 FE case): stored turned, no irot.
    files.push(await heifExifOnlyPhoto(dir, 6))
    files.push(await heifOrientedPhoto(dir, "iphone", [{ irot: 3 }], 6))
    const session = `rot-${keepGps}`
    const entries = await Promise.all(files.map((file, i) => uploadFile(session, `f${i}`, file, i + 1)))
    const event = await startDownload(session, "d1", { postId: "p1", index: 0, label: "Turned", entries }, { keepGps, bundleBytes: 375 * 1024 * 1024 })
    await ok(runBundleTask(event))
    const zip = await bundleEntries(session, "d1", "01-turned")
    expect(zip.map((e) => e.name)).toEqual(entries.map((e) => e.entryName))
    for (const entry of zip) {
      const file = extract(`rotated-${keepGps}-out`, entry)
      const tags = await orientationTags(file)
      expect(tags.every((o) => o === 1), `${entry.name}: Orientation ${tags.join(",")}`).toBe(true)
      // HEIF: decoded by libheif (it applies irot/imir); the rest decoded with NO orientation applied.
      let pixels: string = file
      if (entry.name.endsWith(".heic")) {
        pixels = `${file}.jpg`
        execFileSync("heif-convert", [file, pixels], { stdio: "ignore" })
      }
      const seen = await quadrants(pixels)
      expect(seen.quadrants, `${entry.name} pixels`).toBe(PATTERN.quadrants)
      if (!entry.name.includes("odd")) expect(seen.size, `${entry.name} size`).toBe(`${PATTERN.width}x${PATTERN.height}`)
    }
    // The aligned JPEGs were turned losslessly: the scan data equals jpegtran's own lossless rotation.
    const six = zip.find((e) => e.name.endsWith("exif-6.jpg"))!
    const reference = work.file(`reference-6-${keepGps}.jpg`)
    execFileSync("jpegtran", ["-copy", "none", "-perfect", "-rotate", "90", "-outfile", reference, files[5]!])
    const hash = (file: string) => execFileSync(EXIFTOOL, ["-s3", "-ImageDataHash", "-api", "ImageHashType=SHA256", file]).toString().trim()
    expect(hash(extract(`rotated-${keepGps}-out`, six))).toBe(hash(reference))
  }, 240_000)

  it("the rotated fixtures: the Samsung JPEG and HEIC (Orientation 6) come out portrait with Orientation 1", async () => {
    const names = ["jpeg-samsung-sm-j327t1-orient6.jpg", "heic-samsung-galaxy-s24fe-exif-orient6.heic", "jpeg-panasonic-dmc-lz2-orient6.jpg"]
    const entries = await Promise.all(names.map((name, i) => upload("s-rot", `f${i}`, name, i + 1)))
    const event = await startDownload("s-rot", "d1", { postId: "p1", index: 0, label: "Portrait", entries }, { keepGps: false, bundleBytes: 375 * 1024 * 1024 })
    await ok(runBundleTask(event))
    for (const entry of await bundleEntries("s-rot", "d1", "01-portrait")) {
      const file = extract("rot-fixtures", entry)
      expect((await orientationTags(file)).every((o) => o === 1), entry.name).toBe(true)
      let decoded = file
      if (entry.name.endsWith(".heic")) {
        decoded = `${file}.jpg`
        execFileSync("heif-convert", [file, decoded], { stdio: "ignore" })
      }
      const meta = await sharp(decoded).metadata()
      expect((meta.height ?? 0) > (meta.width ?? 0), `${entry.name} is portrait`).toBe(true)
    }
  }, 240_000)
})

describe("zipped videos keep their capture date; location only with keepGps (issue 12 item 4)", () => {
  it("an enhanced iPhone-style video: keepGps keeps date and location, the default strip keeps the date only", async () => {
    const source = work.file("iphone-tags.mov")
    ffmpegGenerate([
      "-f", "lavfi", "-i", "testsrc2=s=320x240:r=30:d=2.2", "-f", "lavfi", "-i", "sine=d=2.2", "-c:v", "libx264", "-preset", "ultrafast",
      "-pix_fmt", "yuv420p", "-c:a", "aac", "-metadata", "creation_time=2020-11-20T14:04:02Z", "-f", "mov", source
    ])
    execFileSync("perl", [EXIFTOOL, "-q", "-overwrite_original", "-Keys:CreationDate=2020:11:20 15:04:02+01:00", "-Keys:GPSCoordinates#=48.8584 2.2945 35", "-Keys:Make=Apple", "-Keys:Model=iPhone 12", source])
    const enhanced = await ok(
      Effect.gen(function* () {
        const metadata = yield* (yield* MetadataReader).read(source, { kind: "video", format: "mov", mime: "video/quicktime", ext: "mov" })
        return yield* (yield* VideoEnhancer).enhance(source, metadata, { ...IDENTITY_VIDEO_ADJUSTMENTS, brightness: 0.02 }, { outDir: work.file("enhanced-tags") })
      })
    )
    const read = (file: string) => (JSON.parse(execFileSync("perl", [EXIFTOOL, "-j", "-n", "-a", "-G1", file], { encoding: "utf8" })) as Array<Record<string, unknown>>)[0] ?? {}
    for (const keepGps of [true, false]) {
      const session = `vid-${keepGps}`
      const entries = [await uploadFile(session, "f0", enhanced.output, 1, "video")]
      const event = await startDownload(session, "d1", { postId: "p1", index: 0, label: "Clip", entries }, { keepGps, bundleBytes: 375 * 1024 * 1024 })
      await ok(runBundleTask(event))
      const [entry] = await bundleEntries(session, "d1", "01-clip")
      const tags = read(extract(`vid-${keepGps}`, entry!))
      expect(tags["QuickTime:CreateDate"], `keepGps ${keepGps}`).toBe("2020:11:20 14:04:02")
      expect(tags["Keys:CreationDate"], `keepGps ${keepGps}`).toBe("2020:11:20 15:04:02+01:00")
      expect([tags["Keys:Make"], tags["Keys:Model"]]).toEqual(["Apple", "iPhone 12"])
      if (keepGps) expect(String(tags["Keys:GPSCoordinates"])).toMatch(/^48\.858/)
      else expect(exiftoolLocation(extract(`vid-${keepGps}`, entry!))).toEqual([])
    }
  }, 240_000)
})
