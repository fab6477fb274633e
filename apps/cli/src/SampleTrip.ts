/**
 * Generates the sample trip that `curator run --sample` (and `npm start` with
 * no argument) works on, so a fresh clone can try Curator without its own
 * photos: 12 files over three scenes in two places and two days, with a burst
 * of near-duplicates, a blurry shot, an under-exposed shot, an exact duplicate,
 * a video with audio and one truncated (corrupt) file.
 *
 * Pictures are drawn as SVG and rasterised by sharp, with film-grain noise so
 * they behave like photos for the quality measures; EXIF carries capture time
 * with its UTC offset, camera make/model and GPS. The video is made by ffmpeg.
 */
import { execFile } from "node:child_process"
import fs from "node:fs/promises"
import path from "node:path"
import { promisify } from "node:util"
import sharp from "sharp"

const run = promisify(execFile)

interface Shot {
  readonly name: string
  readonly svg: (dx: number) => string
  readonly dx?: number
  readonly time: string // EXIF "YYYY:MM:DD HH:MM:SS"
  readonly offset: string // "+02:00"
  readonly gps: readonly [number, number]
  readonly blur?: number
  readonly brightness?: number
}

const W = 1600
const H = 1200

const beach = (dx: number) => `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
  <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#2b6cb0"/><stop offset="1" stop-color="#bee3f8"/></linearGradient>
  <linearGradient id="sea" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#2c7a7b"/><stop offset="1" stop-color="#234e52"/></linearGradient></defs>
  <rect width="${W}" height="${H}" fill="url(#sky)"/>
  <circle cx="${1150 + dx}" cy="300" r="110" fill="#fefcbf"/>
  <rect y="640" width="${W}" height="340" fill="url(#sea)"/>
  ${Array.from({ length: 14 }, (_, i) => `<path d="M${i * 130 - 40 + dx} ${700 + (i % 3) * 60} q 40 -22 80 0" stroke="#e6fffa" stroke-width="6" fill="none"/>`).join("")}
  <rect y="980" width="${W}" height="220" fill="#f6e05e"/>
  <rect x="${300 + dx}" y="860" width="14" height="240" fill="#744210"/><path d="M${180 + dx} 880 Q ${307 + dx} 760 ${440 + dx} 880 Z" fill="#e53e3e"/>
</svg>`

const oldTown = (dx: number) => `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
  <rect width="${W}" height="${H}" fill="#f7c59f"/>
  ${Array.from({ length: 7 }, (_, i) => {
    const x = i * 230 + dx, h = 520 + ((i * 97) % 300), c = ["#c05621", "#dd6b20", "#ed8936", "#9c4221", "#f6ad55", "#b7791f", "#975a16"][i]
    const windows = Array.from({ length: 12 }, (_, k) => `<rect x="${x + 30 + (k % 3) * 60}" y="${H - h + 40 + Math.floor(k / 3) * 110}" width="34" height="60" fill="#2d3748"/>`).join("")
    return `<rect x="${x}" y="${H - h}" width="220" height="${h}" fill="${c}"/>${windows}`
  }).join("")}
  <rect y="1120" width="${W}" height="80" fill="#4a5568"/>
</svg>`

const mountains = (dx: number) => `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">
  <rect width="${W}" height="${H}" fill="#e2e8f0"/>
  <path d="M${-100 + dx} 1000 L ${450 + dx} 260 L ${900 + dx} 1000 Z" fill="#4a5568"/>
  <path d="M${330 + dx} 420 L ${450 + dx} 260 L ${570 + dx} 420 Z" fill="#ffffff"/>
  <path d="M${600 + dx} 1000 L ${1150 + dx} 180 L ${1750 + dx} 1000 Z" fill="#2d3748"/>
  <path d="M${1020 + dx} 370 L ${1150 + dx} 180 L ${1280 + dx} 370 Z" fill="#ffffff"/>
  <rect y="960" width="${W}" height="240" fill="#276749"/>
  ${Array.from({ length: 18 }, (_, i) => `<path d="M${i * 95 + dx} 1100 l 30 -110 l 30 110 Z" fill="#22543d"/>`).join("")}
</svg>`

const NICE_BEACH: readonly [number, number] = [43.6947, 7.2653]
const NICE_OLD_TOWN: readonly [number, number] = [43.6977, 7.2760]
const MERCANTOUR: readonly [number, number] = [44.1431, 7.1969]

const shots: ReadonlyArray<Shot> = [
  { name: "IMG_2001.jpg", svg: beach, dx: 0, time: "2025:06:14 09:02:10", offset: "+02:00", gps: NICE_BEACH },
  { name: "IMG_2002.jpg", svg: beach, dx: 6, time: "2025:06:14 09:02:11", offset: "+02:00", gps: NICE_BEACH },
  { name: "IMG_2003.jpg", svg: beach, dx: 12, time: "2025:06:14 09:02:12", offset: "+02:00", gps: NICE_BEACH, blur: 9 },
  { name: "IMG_2010.jpg", svg: beach, dx: 240, time: "2025:06:14 09:20:40", offset: "+02:00", gps: NICE_BEACH },
  { name: "IMG_2101.jpg", svg: oldTown, dx: 0, time: "2025:06:14 15:31:05", offset: "+02:00", gps: NICE_OLD_TOWN },
  { name: "IMG_2102.jpg", svg: oldTown, dx: 90, time: "2025:06:14 15:40:27", offset: "+02:00", gps: NICE_OLD_TOWN, brightness: 0.18 },
  { name: "IMG_2103.jpg", svg: oldTown, dx: -160, time: "2025:06:14 16:05:00", offset: "+02:00", gps: NICE_OLD_TOWN },
  { name: "IMG_2201.jpg", svg: mountains, dx: 0, time: "2025:06:15 11:12:00", offset: "+02:00", gps: MERCANTOUR },
  { name: "IMG_2202.jpg", svg: mountains, dx: 140, time: "2025:06:15 11:30:45", offset: "+02:00", gps: MERCANTOUR }
]

/** Degrees -> EXIF rational triple "d/1 m/1 s*100/100". */
const dms = (deg: number): string => {
  const a = Math.abs(deg)
  const d = Math.floor(a)
  const m = Math.floor((a - d) * 60)
  const s = Math.round(((a - d) * 60 - m) * 60 * 100)
  return `${d}/1 ${m}/1 ${s}/100`
}

/** Gaussian-ish film grain as a raw RGB overlay (deterministic: seeded LCG). */
const grain = (seed: number): Buffer => {
  const buf = Buffer.alloc(W * H * 3)
  let x = seed >>> 0 || 1
  for (let i = 0; i < buf.length; i += 3) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0
    const v = 128 + (((x >>> 24) & 0xff) - 128) / 6
    buf[i] = buf[i + 1] = buf[i + 2] = v
  }
  return buf
}

const renderShot = async (shot: Shot, index: number): Promise<Buffer> => {
  let img = sharp(Buffer.from(shot.svg(shot.dx ?? 0))).composite([
    { input: grain(index + 7), raw: { width: W, height: H, channels: 3 }, blend: "overlay" }
  ])
  let buf = await img.png().toBuffer()
  img = sharp(buf)
  if (shot.blur) img = img.blur(shot.blur)
  if (shot.brightness) img = img.modulate({ brightness: shot.brightness })
  buf = await img
    .jpeg({ quality: 88 })
    .withExif({
      IFD0: { Make: "Curator", Model: "Sample Camera", DateTime: shot.time },
      IFD2: { DateTimeOriginal: shot.time, OffsetTimeOriginal: shot.offset },
      IFD3: {
        GPSLatitudeRef: shot.gps[0] >= 0 ? "N" : "S",
        GPSLatitude: dms(shot.gps[0]),
        GPSLongitudeRef: shot.gps[1] >= 0 ? "E" : "W",
        GPSLongitude: dms(shot.gps[1])
      }
    })
    .toBuffer()
  return buf
}

/**
 * Writes the sample trip into `dir` (created; existing sample files are
 * replaced) and returns the file paths. Needs ffmpeg on PATH for the video.
 * Deterministic: the same bytes every time, except the MP4's muxer version tag.
 */
export const generateSampleTrip = async (dir: string): Promise<ReadonlyArray<string>> => {
  await fs.mkdir(dir, { recursive: true })
  const written: Array<string> = []
  for (const [i, shot] of shots.entries()) {
    const p = path.join(dir, shot.name)
    await fs.writeFile(p, await renderShot(shot, i))
    written.push(p)
  }
  // An exact duplicate (the same file saved twice) and a truncated download.
  const dup = path.join(dir, "IMG_2201 copy.jpg")
  await fs.copyFile(path.join(dir, "IMG_2201.jpg"), dup)
  written.push(dup)
  const full = await fs.readFile(path.join(dir, "IMG_2103.jpg"))
  const broken = path.join(dir, "IMG_2104.jpg")
  await fs.writeFile(broken, full.subarray(0, Math.floor(full.length / 3)))
  written.push(broken)
  // A 4 s clip of the beach with sea-like noise on the audio track, recorded
  // "at" the beach: ffmpeg writes creation_time (UTC) and an ISO 6709 location.
  const still = path.join(dir, ".beach-still.png")
  await sharp(Buffer.from(beach(60))).resize(1280, 960).png().toFile(still)
  const video = path.join(dir, "VID_2005.mp4")
  await run("ffmpeg", [
    "-nostdin", "-y", "-v", "error",
    "-loop", "1", "-framerate", "30", "-i", still,
    "-f", "lavfi", "-i", "anoisesrc=color=pink:amplitude=0.05:duration=4",
    "-vf", "zoompan=z='min(zoom+0.0015,1.2)':d=120:s=1280x960:fps=30,format=yuv420p",
    "-t", "4", "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-c:a", "aac", "-b:a", "96k",
    "-metadata", "creation_time=2025-06-14T07:10:00Z",
    "-metadata", `location=+${NICE_BEACH[0].toFixed(4)}+${NICE_BEACH[1].toFixed(4).padStart(9, "0")}/`,
    "-movflags", "+faststart+use_metadata_tags",
    video
  ])
  await fs.rm(still)
  written.push(video)
  return written
}
