import { copyFileSync, readFileSync } from "node:fs"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { formatCaptureTime } from "@curator/contracts"
import { failureOf, runExit } from "@curator/contracts/testing"
import { Media, MetadataReader, normaliseRotation, sniffSync, type MediaSettings } from "../src/index.js"
import { firstValidFix, parseTagDate, tagFacts } from "../src/internal/metadataTags.js"
import { exiftoolGenerate, ffmpegGenerate, fixture, scratch } from "./helpers.js"

/** Reads `file` (a fixture name or an absolute path) with the real MetadataReader. */
const read = (file: string, settings: Partial<MediaSettings> = {}) => {
  const full = file.startsWith("/") ? file : fixture(file)
  return runExit(
    Effect.gen(function* () {
      const reader = yield* MetadataReader
      const sniffed = sniffSync(readFileSync(full).subarray(0, 64))
      if (sniffed === undefined) return yield* Effect.die(`${file} not sniffed`)
      return yield* reader.read(full, sniffed)
    }),
    Media.layerWith(settings)
  )
}
const metadataOf = async (file: string) => {
  const exit = await read(file)
  if (exit._tag === "Failure") throw failureOf(exit)
  return exit.value
}

const generated = scratch()
afterAll(() => generated.cleanup())

/** A copy of a fixture in the scratch folder, writable, rewritten by ExifTool with `args`. */
const rewrittenCopy = (name: string, as: string, args: ReadonlyArray<string>) => {
  const file = generated.file(as)
  copyFileSync(fixture(name), file)
  exiftoolGenerate([...args, file])
  return file
}

/** A 1 s 320x240 H.264 clip with the given ffmpeg output options (metadata). */
const clip = (as: string, options: ReadonlyArray<string>) => {
  const file = generated.file(as)
  ffmpegGenerate(["-f", "lavfi", "-i", "testsrc=size=320x240:rate=10", "-t", "1", "-c:v", "libx264", "-pix_fmt", "yuv420p", ...options, file])
  return file
}

describe("MetadataReader: photos", () => {
  it("reads GPS, make/model, orientation 3 and capture time from the iPhone 5 JPEG", async () => {
    const m = await metadataOf("jpeg-apple-iphone5-gps-orient3.jpg")
    expect(m.gps?.lat).toBeCloseTo(47.62717, 5)
    expect(m.gps?.lon).toBeCloseTo(-122.33733, 5)
    expect(m.gps?.alt).toBeCloseTo(3.98, 1)
    expect([m.make, m.model, m.orientation]).toEqual(["Apple", "iPhone 5", 3])
    expect([m.width, m.height]).toEqual([3264, 2448])
    expect(m.captureTime).toEqual({ local: "2012-09-29T16:11:25", offsetMinutes: null, utc: null, source: "exif" })
    expect([m.kind, m.mime, m.codec, m.durationSeconds, m.hasAudio]).toEqual(["photo", "image/jpeg", "jpeg", null, null])
  })

  it("reads GPS from the iPhone 7 HEIC", async () => {
    const m = await metadataOf("heic-apple-iphone7-gps.heic")
    expect(m.gps?.lat).toBeCloseTo(41.2203, 4)
    expect(m.gps?.lon).toBeCloseTo(-96.07163, 4)
    expect([m.width, m.height, m.codec, m.mime]).toEqual([4032, 3024, "heic", "image/heic"])
  })

  it("reads GPS from the HTC WebP (RIFF EXIF chunk, which exifr alone cannot find)", async () => {
    const m = await metadataOf("webp-htc-desire-gps.webp")
    expect(m.gps?.lat).toBeCloseTo(45.50067, 5)
    expect(m.gps?.lon).toBeCloseTo(9.11033, 5)
    expect([m.make, m.model]).toEqual(["HTC", "HTC Desire"])
    expect(m.captureTime?.local).toBe("2011-05-06T09:59:48")
  })

  it("applies OffsetTimeOriginal: the iPhone 11 Pro HEIC has a UTC instant", async () => {
    const m = await metadataOf("heic-apple-iphone11pro-portrait.heic")
    expect(m.captureTime).toEqual({ local: "2020-05-04T18:39:11", offsetMinutes: -240, utc: "2020-05-04T22:39:11Z", source: "exif" })
    expect([m.width, m.height]).toEqual([3024, 4032])
    expect(m.gps).toBeNull()
  })

  it("reports the Samsung HEIC (EXIF 6, no irot) as displayed portrait 1848x4000", async () => {
    const m = await metadataOf("heic-samsung-galaxy-s24fe-exif-orient6.heic")
    expect([m.width, m.height, m.orientation]).toEqual([1848, 4000, 6])
    expect(m.captureTime?.offsetMinutes).toBe(120)
  })

  it("swaps the displayed size of orientation-6 JPEGs", async () => {
    const panasonic = await metadataOf("jpeg-panasonic-dmc-lz2-orient6.jpg")
    expect([panasonic.width, panasonic.height, panasonic.orientation]).toEqual([1920, 2560, 6])
    const samsung = await metadataOf("jpeg-samsung-sm-j327t1-orient6.jpg")
    expect([samsung.width, samsung.height]).toEqual([1932, 2576])
  })

  it("reads the Nikon and Sony GPS, the AVIF and PNG EXIF, and nothing from a stripped JPEG", async () => {
    const nikon = await metadataOf("jpeg-nikon-coolpix-p6000-gps.jpg")
    expect(nikon.gps?.lat).toBeCloseTo(43.46745, 5)
    expect(nikon.gps?.lon).toBeCloseTo(11.88513, 5)
    const sony = await metadataOf("jpeg-sony-dsc-hx5v-gps.jpg")
    expect(sony.gps?.lat).toBeCloseTo(51.77862, 4)
    expect(sony.gps?.lon).toBeCloseTo(8.36564, 4)
    const avif = await metadataOf("avif-canon-eos-70d.avif")
    expect([avif.model, avif.width, avif.height, avif.codec]).toEqual(["Canon EOS 70D", 5472, 3648, "avif"])
    const png = await metadataOf("png-macos-screenshot-exif.png")
    expect([png.width, png.height, png.orientation, png.gps]).toEqual([640, 513, 1, null])
    const stripped = await metadataOf("jpeg-canon-s40-exif-stripped.jpg")
    expect([stripped.make, stripped.captureTime, stripped.gps, stripped.orientation]).toEqual([null, null, null, 1])
  })

  it("fails over the pixel limit from the header with MediaTooLargeError", async () => {
    const error = failureOf(await read("jpeg-canon-eos-5d-12mp.jpg", { maxInputPixels: 1_000_000 })) as { _tag: string; message: string }
    expect(error._tag).toBe("MediaTooLargeError")
    expect(error.message).toMatch(/2912x4368 px is 12\.7 megapixels, over the limit of 1\.0 megapixels/)
  })

  it("reports the header-only JPEG and the half HEIC as corrupt", async () => {
    const jpeg = failureOf(await read("truncated-sony-hx5v-header-only.jpg")) as { _tag: string; message: string }
    expect(jpeg._tag).toBe("CorruptMediaError")
    expect(jpeg.message).toMatch(/^JPEG data ends early: the file is truncated/)
    const heic = failureOf(await read("truncated-iphone11pro-half.heic")) as { _tag: string; message: string }
    expect(heic._tag).toBe("CorruptMediaError")
    expect(heic.message).toMatch(/^HEIC data ends early: the file is truncated \(its 'mdat' box/)
  })
})

describe("MetadataReader: videos", () => {
  it("reads the iPhone 6 MOV: rotation 90, 320x568, ISO 6709 GPS with altitude, local time with offset", async () => {
    const m = await metadataOf("video-apple-iphone6-gps-rot90.mov")
    expect([m.kind, m.mime, m.codec, m.rotation, m.width, m.height, m.hasAudio]).toEqual(["video", "video/quicktime", "h264", 90, 320, 568, true])
    expect(m.gps?.lat).toBeCloseTo(32.0929, 4)
    expect(m.gps?.lon).toBeCloseTo(34.862, 4)
    expect(m.gps?.alt).toBeCloseTo(28.5, 0)
    expect(m.captureTime).toEqual({ local: "2019-07-24T11:25:40", offsetMinutes: 180, utc: "2019-07-24T08:25:40Z", source: "quicktime" })
    expect([m.make, m.model]).toEqual(["Apple", "iPhone 6"])
    expect(m.durationSeconds).toBeCloseTo(4.0, 1)
  })

  it("reads the GoPro MP4: udta ©xyz location, UTC creation_time, rotation 0", async () => {
    const m = await metadataOf("video-gopro-max-gpmf-gps.mp4")
    expect(m.gps).toEqual({ lat: 33.1268, lon: -117.3273, alt: null })
    expect([m.rotation, m.width, m.height, m.codec]).toEqual([0, 848, 480, "h264"])
    expect(m.captureTime).toEqual({ local: "2019-11-18T15:45:32", offsetMinutes: null, utc: "2019-11-18T15:45:32Z", source: "container" })
    expect(m.durationSeconds).toBeCloseTo(10.52, 1)
  })

  it("make/model missing for the GoPro Max: the model comes from its GPMF udta box (ExifTool GoPro:Model)", async () => {
    const m = await metadataOf("video-gopro-max-gpmf-gps.mp4")
    expect([m.make, m.model]).toEqual([null, "GoPro Max"])
  })

  it("reads the 3gp clip: rotation 90, 720x1280, GPS 0,0 reported as none", async () => {
    const m = await metadataOf("video-3gp5-portrait-rot90-zero-gps.mp4")
    expect([m.mime, m.rotation, m.width, m.height, m.gps, m.hasAudio]).toEqual(["video/3gpp", 90, 720, 1280, null, true])
    expect(m.durationSeconds).toBeCloseTo(1.3, 1)
  })

  it("reports the MOV with no moov as corrupt (an interrupted recording)", async () => {
    const error = failureOf(await read("truncated-iphone6-no-moov.mov")) as { _tag: string; message: string }
    expect(error._tag).toBe("CorruptMediaError")
    expect(error.message).toMatch(/truncated, like an interrupted recording/)
  })

  it("fails a video over the duration x resolution budget with an explanation", async () => {
    const error = failureOf(await read("video-gopro-max-gpmf-gps.mp4", { maxVideoPixelSeconds: 848 * 480 * 5 })) as { _tag: string; message: string }
    expect(error._tag).toBe("MediaTooLargeError")
    expect(error.message).toMatch(/a 10\.5 s video at 848x480 px is .* pixel-seconds, over the budget/)
  })
})

describe("MetadataReader: defects of issue 12 (generated media)", () => {
  it("make/model missing for the Sony DSC-HX5V: its malformed IFD0 entry does not hide Make and Model", async () => {
    const m = await metadataOf("jpeg-sony-dsc-hx5v-gps.jpg")
    expect([m.make, m.model]).toEqual(["SONY", "DSC-HX5V"])
    expect(m.captureTime?.local).toBe("2010-05-15T17:12:05")
    expect(m.gps?.alt).toBeCloseTo(93.3, 1)
  })

  it("an EXIF offset kept only in XMP is read: DateTimeOriginal without OffsetTimeOriginal, photoshop:DateCreated with +01:00", async () => {
    const file = rewrittenCopy("jpeg-nikon-coolpix-p6000-gps.jpg", "xmp-offset.jpg", [
      "-OffsetTime*=",
      "-XMP-photoshop:DateCreated=2008:10:22 16:28:39+01:00"
    ])
    const m = await metadataOf(file)
    expect(m.captureTime).toEqual({ local: "2008-10-22T16:28:39", offsetMinutes: 60, utc: "2008-10-22T15:28:39Z", source: "exif" })
  })

  it("an XMP-only capture time with its offset is read when the photo has no EXIF date", async () => {
    const file = rewrittenCopy("jpeg-canon-s40-exif-stripped.jpg", "xmp-only.jpg", ["-XMP-exif:DateTimeOriginal=2021:06:01 08:30:00-04:00"])
    const m = await metadataOf(file)
    expect(m.captureTime).toEqual({ local: "2021-06-01T08:30:00", offsetMinutes: -240, utc: "2021-06-01T12:30:00Z", source: "xmp" })
  })

  it("video capture time off by the UTC offset: ©day with +01:00 wins over the UTC movie header", async () => {
    const file = clip("day.mp4", ["-metadata", "creation_time=2020-11-20T14:04:02Z", "-metadata", "date=2020-11-20T15:04:02+01:00"])
    const m = await metadataOf(file)
    expect(m.captureTime).toEqual({ local: "2020-11-20T15:04:02", offsetMinutes: 60, utc: "2020-11-20T14:04:02Z", source: "quicktime" })
    expect(formatCaptureTime(m.captureTime!)).toBe("2020-11-20T15:04:02+01:00")
  })

  it("video capture time off by the UTC offset: Apple's creationdate key with +01:00 wins over the UTC movie header", async () => {
    const file = clip("apple.mov", [
      "-movflags", "use_metadata_tags",
      "-metadata", "creation_time=2020-11-20T14:04:02Z",
      "-metadata", "com.apple.quicktime.creationdate=2020-11-20T15:04:02+0100",
      "-metadata", "com.apple.quicktime.make=Apple",
      "-metadata", "com.apple.quicktime.model=iPhone 12"
    ])
    const m = await metadataOf(file)
    expect(formatCaptureTime(m.captureTime!)).toBe("2020-11-20T15:04:02+01:00")
    expect([m.make, m.model]).toEqual(["Apple", "iPhone 12"])
  })

  it("a video with only the UTC movie header time says so with Z, and orders by instant with offset-bearing items", async () => {
    const utcOnly = await metadataOf(clip("utc.mp4", ["-metadata", "creation_time=2020-11-20T14:30:00Z"]))
    expect(utcOnly.captureTime).toEqual({ local: "2020-11-20T14:30:00", offsetMinutes: null, utc: "2020-11-20T14:30:00Z", source: "container" })
    expect(formatCaptureTime(utcOnly.captureTime!)).toBe("2020-11-20T14:30:00Z")
    // 15:04+01:00 is 14:04Z: before 14:30Z although its wall time reads later.
    const zoned = await metadataOf(clip("day2.mp4", ["-metadata", "creation_time=2020-11-20T14:04:02Z", "-metadata", "date=2020-11-20T15:04:02+01:00"]))
    const byInstant = [utcOnly, zoned].sort((a, b) => Date.parse(a.captureTime!.utc!) - Date.parse(b.captureTime!.utc!))
    expect(byInstant).toEqual([zoned, utcOnly])
  })

  it("GoPro GPS only in GPMF: the first valid fix of the telemetry track is read", async () => {
    const file = rewrittenCopy("video-gopro-max-gpmf-gps.mp4", "gpmf-only.mp4", ["-UserData:GPSCoordinates=", "-api", "largefilesupport=1"])
    const m = await metadataOf(file)
    expect(m.gps?.lat).toBeCloseTo(33.12677, 5)
    expect(m.gps?.lon).toBeCloseTo(-117.3273436, 6)
    expect(m.gps?.alt).toBeCloseTo(-22.959, 2)
  })
})

describe("tag rules (ExifTool JSON -> facts)", () => {
  it("takes the first GPMF sample whose fix mode is 2-D or 3-D, never null island", () => {
    const tags = {
      "Doc1:Track4:GPSMeasureMode": 0,
      "Doc1:Track4:GPSLatitude": 0,
      "Doc1:Track4:GPSLongitude": 0,
      "Doc1-1:Track4:GPSLatitude": 51.5,
      "Doc1-1:Track4:GPSLongitude": -0.12,
      "Doc2:Track4:GPSMeasureMode": 3,
      "Doc2:Track4:GPSLatitude": 0,
      "Doc2:Track4:GPSLongitude": 0,
      "Doc2-1:Track4:GPSLatitude": 51.50073,
      "Doc2-1:Track4:GPSLongitude": -0.12463,
      "Doc2-1:Track4:GPSAltitude": 12.5,
      "Doc10:Track4:GPSMeasureMode": 3,
      "Doc10:Track4:GPSLatitude": 40,
      "Doc10:Track4:GPSLongitude": 3
    }
    expect(firstValidFix(tags)).toEqual({ lat: 51.50073, lon: -0.12463, alt: 12.5 })
    expect(firstValidFix({ "Doc1:Track3:GPSLatitude": 91, "Doc1:Track3:GPSLongitude": 3 })).toBeNull()
  })

  it("reads Samsung's utc_offset key with the UTC header time, and ignores epoch-zero headers", () => {
    expect(tagFacts({ "QuickTime:CreateDate": "2020:10:23 20:27:29", "Keys:AndroidTimeZone": "+0200", "Keys:AndroidMake": "samsung" }, "video")).toMatchObject({
      make: "samsung",
      captureTime: { local: "2020-10-23T22:27:29", offsetMinutes: 120, utc: "2020-10-23T20:27:29Z", source: "container" }
    })
    expect(tagFacts({ "QuickTime:CreateDate": "0000:00:00 00:00:00" }, "video").captureTime).toBeNull()
    expect(tagFacts({ "QuickTime:CreateDate": "1970:01:01 00:00:00" }, "video").captureTime).toBeNull()
  })

  it("never takes the thumbnail IFD's orientation, nor make/model from XMP when EXIF has them", () => {
    const facts = tagFacts({ "IFD1:Orientation": 6, "XMP-tiff:Make": "Other", "IFD0:Make": "Canon", "XMP-tiff:Model": "Only XMP" }, "photo")
    expect([facts.orientation, facts.make, facts.model]).toEqual([undefined, "Canon", "Only XMP"])
  })

  it("parses ExifTool dates with and without zones, refuses zero and partial dates", () => {
    expect(parseTagDate("2020:11:20 15:04:02.123+01:00")).toEqual({ local: "2020-11-20T15:04:02", offsetMinutes: 60, isUtc: false })
    expect(parseTagDate("2020:11:20 14:04:02Z")).toEqual({ local: "2020-11-20T14:04:02", offsetMinutes: 0, isUtc: true })
    expect([parseTagDate("0000:00:00 00:00:00"), parseTagDate("2020"), parseTagDate("2020:11:20"), parseTagDate(20201120)]).toEqual([null, null, null, null])
  })
})

describe("video helpers", () => {
  it("normalises rotations to clockwise quarter turns", () => {
    expect([-90, 90, 180, -180, 270, -270, 360, 0].map(normaliseRotation)).toEqual([270, 90, 180, 180, 270, 90, 0, 0])
  })
})
