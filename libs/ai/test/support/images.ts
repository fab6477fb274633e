/**
 * Test images made with sharp: seeded "scenes" of coloured rectangles on a flat
 * background with noise, so each seed is a distinct picture, a palette sets its
 * colours (for visual-break tests), and shifted/blurred/black variants model
 * bursts, camera shake and a lens cap.
 */
import type { MediaItem } from "@curator/contracts"
import sharp from "sharp"

/** mulberry32: a tiny deterministic PRNG (Tommy Ettinger, public domain). */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

/** Colours centred in the 64-wide histogram bins, so noise never moves them to another bin. */
export const PALETTES = {
  warm: [[224, 96, 32], [224, 160, 32], [160, 32, 32], [224, 224, 160]],
  cool: [[32, 96, 160], [32, 160, 224], [96, 160, 96], [32, 32, 96]]
} as const
export type Palette = keyof typeof PALETTES

const W = 400
const H = 300
const MARGIN = 20

/** Raw RGB raster (W+2*MARGIN) x (H+2*MARGIN) of one seeded picture. */
const canvas = (seed: number, palette: Palette): Buffer => {
  const rand = prng(seed)
  const colours = PALETTES[palette]
  const w = W + 2 * MARGIN
  const h = H + 2 * MARGIN
  const data = Buffer.alloc(w * h * 3)
  const bg = colours[0]! // same background per palette: same-palette pictures share most colour mass
  for (let i = 0; i < w * h; i++) data.set(bg, i * 3)
  for (let r = 0; r < 14; r++) {
    const c = colours[1 + Math.floor(rand() * (colours.length - 1))]!
    const x0 = Math.floor(rand() * w)
    const y0 = Math.floor(rand() * h)
    const x1 = Math.min(w, x0 + 20 + Math.floor(rand() * 90))
    const y1 = Math.min(h, y0 + 20 + Math.floor(rand() * 70))
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data.set(c, (y * w + x) * 3)
  }
  // A gentle horizontal light fall-off (+-18 levels) like a real sky or wall, plus sensor noise (+-8):
  // flat areas then have a stable dHash, and colours stay inside their histogram bins.
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let ch = 0; ch < 3; ch++) {
        const i = (y * w + x) * 3 + ch
        data[i] = Math.max(0, Math.min(255, data[i]! + Math.round(((w / 2 - x) / w) * 36 + (rand() - 0.5) * 16)))
      }
  return data
}

/** Options for {@link picture}. */
export interface PictureOptions {
  readonly palette?: Palette
  /** Crop offset in px (0..40): a shifted copy of the same picture, as in a burst. */
  readonly shift?: readonly [number, number]
  /** Gaussian blur sigma (px): camera shake / missed focus. */
  readonly blur?: number
}

/** A 400x300 JPEG of picture `seed`. */
export const picture = async (seed: number, options: PictureOptions = {}): Promise<Uint8Array> => {
  const [dx, dy] = options.shift ?? [MARGIN, MARGIN]
  let image = sharp(canvas(seed, options.palette ?? "warm"), { raw: { width: W + 2 * MARGIN, height: H + 2 * MARGIN, channels: 3 } }).extract({
    left: dx,
    top: dy,
    width: W,
    height: H
  })
  if (options.blur !== undefined) image = sharp(await image.png().toBuffer()).blur(options.blur)
  return new Uint8Array(await image.jpeg({ quality: 90 }).toBuffer())
}

/** sRGB transfer (IEC 61966-2-1): encoded 0..255 -> linear 0..1, and back. */
const toLinear = (v: number) => {
  const c = v / 255
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
}
const toSrgb = (l: number) => Math.round(255 * Math.min(1, l <= 0.0031308 ? 12.92 * l : 1.055 * l ** (1 / 2.4) - 0.055))

/** Picture `seed` with its exposure lowered by `stops` stops in linear light, as a camera that metered wrongly. */
export const underExposedPicture = async (seed: number, stops: number): Promise<Uint8Array> => {
  const { data, info } = await sharp(await picture(seed)).raw().toBuffer({ resolveWithObject: true })
  const gain = 2 ** -stops
  for (let i = 0; i < data.length; i++) data[i] = toSrgb(toLinear(data[i]!) * gain)
  return new Uint8Array(await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } }).jpeg({ quality: 90 }).toBuffer())
}

/**
 * A 400x300 JPEG night street: a dark sky, dark building fronts with a few lit windows and
 * street lamps with their glow, sensor noise — a low-key picture (mean luma about 25) whose
 * light sources reach the top of the range.
 */
export const nightPicture = async (seed: number): Promise<Uint8Array> => {
  const rand = prng(seed)
  const data = Buffer.alloc(W * H * 3)
  const put = (x: number, y: number, [r, g, b]: readonly [number, number, number]) => {
    if (x < 0 || y < 0 || x >= W || y >= H) return
    data.set([r, g, b], (y * W + x) * 3)
  }
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) put(x, y, [6 + Math.round((y / H) * 10), 8 + Math.round((y / H) * 10), 22 + Math.round((y / H) * 12)])
  for (let bx = 0; bx < W; ) {
    const width = 50 + Math.floor(rand() * 60)
    const top = 60 + Math.floor(rand() * 120)
    const shade = 14 + Math.floor(rand() * 14)
    for (let y = top; y < H; y++) for (let x = bx; x < Math.min(W, bx + width); x++) put(x, y, [shade, shade, shade + 4])
    for (let wy = top + 8; wy + 10 < H - 30; wy += 18)
      for (let wx = bx + 6; wx + 8 < Math.min(W, bx + width) - 4; wx += 14) {
        if (rand() < 0.25) for (let y = wy; y < wy + 10; y++) for (let x = wx; x < wx + 8; x++) put(x, y, [250, 206, 120])
      }
    bx += width + 2
  }
  for (let k = 0; k < 4; k++) {
    const cx = 40 + Math.floor(rand() * (W - 80))
    const cy = 150 + Math.floor(rand() * 60)
    for (let y = cy - 24; y <= cy + 24; y++)
      for (let x = cx - 24; x <= cx + 24; x++) {
        const d = Math.hypot(x - cx, y - cy)
        if (d > 24) continue
        const i = (y * W + x) * 3
        if (x < 0 || y < 0 || x >= W || y >= H) continue
        const glow = d <= 4 ? 1 : Math.max(0, 1 - (d - 4) / 20) ** 2
        for (const [ch, peak] of [[0, 255], [1, 236], [2, 180]] as const) data[i + ch] = Math.round(data[i + ch]! + (peak - data[i + ch]!) * glow)
      }
    for (let y = cy + 5; y < H; y++) for (let x = cx - 1; x <= cx + 1; x++) put(x, y, [30, 30, 32])
  }
  for (let i = 0; i < data.length; i++) data[i] = Math.max(0, Math.min(255, data[i]! + Math.round((rand() - 0.5) * 8)))
  return new Uint8Array(await sharp(data, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 90 }).toBuffer())
}

/** A 400x300 JPEG that is almost entirely black (a lens-cap shot). */
export const blackPicture = async (): Promise<Uint8Array> =>
  new Uint8Array(await sharp({ create: { width: W, height: H, channels: 3, background: { r: 2, g: 2, b: 2 } } }).jpeg().toBuffer())

/** The items of `list` in a shuffled order, the same for the same `seed` (Fisher-Yates over mulberry32). */
export const shuffled = <T>(list: ReadonlyArray<T>, seed: number): Array<T> => {
  const rand = prng(seed)
  const out = [...list]
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

/** Options for {@link mediaItem}. */
export interface ItemOptions {
  readonly local?: string | null
  readonly offsetMinutes?: number | null
  readonly utc?: string | null
  readonly gps?: { readonly lat: number; readonly lon: number } | null
  readonly kind?: "photo" | "video"
  readonly width?: number
  readonly height?: number
  readonly contentHash?: string
  readonly durationSeconds?: number
  /** The uploaded name (default `<fileId>.jpg`, `.mp4` for a video). */
  readonly fileName?: string
}

/** A MediaItem for `fileId` (photo 4000x3000 px unless told otherwise; contentHash defaults to the fileId). */
export const mediaItem = (fileId: string, o: ItemOptions = {}): MediaItem => {
  const kind = o.kind ?? "photo"
  const local = o.local === undefined ? "2024-06-01T10:00:00" : o.local
  return {
    fileId,
    key: `s/original/${fileId}.${kind === "video" ? "mp4" : "jpg"}`,
    fileName: o.fileName ?? `${fileId}.${kind === "video" ? "mp4" : "jpg"}`,
    kind,
    mime: kind === "video" ? "video/mp4" : "image/jpeg",
    bytes: 1000,
    width: o.width ?? 4000,
    height: o.height ?? 3000,
    captureTime: local === null ? null : { local, offsetMinutes: o.offsetMinutes ?? null, utc: o.utc ?? null, source: "exif" },
    gps: o.gps == null ? null : { lat: o.gps.lat, lon: o.gps.lon, alt: null },
    make: null,
    model: null,
    orientation: 1,
    rotation: 0,
    durationSeconds: kind === "video" ? (o.durationSeconds ?? 5) : null,
    hasAudio: kind === "video" ? true : null,
    codec: kind === "video" ? "h264" : "jpeg",
    contentHash: o.contentHash ?? `sha256-${fileId}`
  }
}
