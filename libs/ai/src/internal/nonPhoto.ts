/**
 * Screenshots and graphics (charts, slides, UI captures) among a trip's photos: recognised
 * offline, so the selection excludes them as `content-mismatch` and they never outrank a
 * camera photo.
 *
 * Evidence, strongest first (each rule gives its reason in plain words):
 * 1. The file says so: its comment (EXIF `UserComment`, PNG `Comment`/`Description`) or the
 *    program that wrote it (`Software`) names a screenshot ("Screenshot" is what macOS and iOS
 *    write), or the program is a screenshot, charting or drawing tool (Matplotlib, gnuplot,
 *    Excel, Inkscape, gnome-screenshot, ...). A camera never writes these.
 * 2. Its name says so (`Screenshot_20240101-101010.png`, `Screen Shot 2024-...`,
 *    `Bildschirmfoto ...`, `RPReplay_Final...`) and it carries no camera data (EXIF make/model).
 * 3. It looks drawn, not photographed, and carries no camera data: on the 400 px thumbnail at
 *    least {@link GRAPHIC_MIN_FLAT_SHARE} of the pixels sit in exactly flat patches (a pixel
 *    equal to its 4 neighbours within 1 level per channel), in at most
 *    {@link GRAPHIC_MAX_FLAT_COLOURS} colours, at most {@link GRAPHIC_MAX_TEXTURE_SHARE} is
 *    texture (local luma steps of 4..40 levels), there are sharp edges (steps over 40 levels on
 *    at least {@link GRAPHIC_MIN_EDGE_SHARE}) and most of them are drawn straight (at least
 *    {@link GRAPHIC_MIN_STRAIGHT_EDGES} on horizontal or vertical runs of {@link STRAIGHT_RUN}
 *    px: axes, grid lines, bars, panels, glyph stems); and what is not flat is drawn strokes, not
 *    a photographed subject: sharp edges at least {@link GRAPHIC_MIN_EDGE_TO_TEXTURE} of the
 *    texture, and at least {@link GRAPHIC_MIN_STROKE_SHARE} of the non-flat pixels within 2 px
 *    of a flat one — {@link GRAPHIC_MIN_STROKE_SHARE_LOSSY} for a JPEG, WebP, HEIF or AVIF file:
 *    charts and screenshots are saved as PNG far more often, photos without EXIF (a messaging
 *    app's copy) as JPEG. A photo's smooth areas are gradients with sensor noise, never exactly flat,
 *    except clipped sky, crushed shadow, bokeh or a plain backdrop — and then its subject is soft
 *    texture in one block, not thin strokes; a featureless photo (a grey wall) has no sharp
 *    edges; a starry sky on a black background has its edges in dots, not lines.
 * 4. A PNG (cameras write JPEG, HEIF or raw, never PNG) at exactly a screen's size (a common
 *    display or phone resolution, either orientation) with no camera data: a screen capture.
 *
 * Measured on the fixtures, the scikit-image sample photos (17, none with EXIF, 8 greyscale),
 * 9 Matplotlib 3.6 charts (line, histogram, scatter, bar, pie, heatmap, contour, subplots, a
 * JPEG), starry night skies and the generated charts and screenshots of the tests: see
 * docs/performance.md ("Issue 12: screenshots and graphics").
 */
import type { MediaItem } from "@curator/contracts"

/** Line-art statistics of one image (fractions of the pixels, 0..1). */
export interface LineArtStats {
  /** Pixels equal to their 4 neighbours (within 1 level per channel): flat colour. */
  readonly flatShare: number
  /** Pixels whose largest luma step to a 4-neighbour is 4..40 levels: texture. */
  readonly textureShare: number
  /** Pixels whose largest luma step to a 4-neighbour is over 40 levels: sharp edges. */
  readonly edgeShare: number
  /** How many colours (5 bits per channel) hold 90 % of the flat pixels (0 when none is flat). */
  readonly flatColours: number
  /** Share of the edge pixels that lie on a straight horizontal or vertical run of at least {@link STRAIGHT_RUN} edge pixels (0 without edges). */
  readonly straightEdges: number
  /** Share of the pixels that are not flat which have a flat pixel within 2 px (in their row or column): strokes on a flat ground (0 when all are flat). */
  readonly strokeShare: number
}

/** Thresholds of rule 3 (see module doc); measured, see docs/performance.md. */
export const GRAPHIC_MIN_FLAT_SHARE = 0.4
/** See {@link GRAPHIC_MIN_FLAT_SHARE}. */
export const GRAPHIC_MAX_FLAT_COLOURS = 8
/** See {@link GRAPHIC_MIN_FLAT_SHARE}. */
export const GRAPHIC_MAX_TEXTURE_SHARE = 0.36
/** See {@link GRAPHIC_MIN_FLAT_SHARE}. */
export const GRAPHIC_MIN_EDGE_SHARE = 0.01
/** See {@link GRAPHIC_MIN_FLAT_SHARE}. */
export const GRAPHIC_MIN_STRAIGHT_EDGES = 0.4
/** See {@link GRAPHIC_MIN_FLAT_SHARE}. */
export const GRAPHIC_MIN_EDGE_TO_TEXTURE = 0.12
/** See {@link GRAPHIC_MIN_FLAT_SHARE}. */
export const GRAPHIC_MIN_STROKE_SHARE = 0.15
/** See {@link GRAPHIC_MIN_FLAT_SHARE}. */
export const GRAPHIC_MIN_STROKE_SHARE_LOSSY = 0.3

/** Edge pixels in a row or column that make a straight run: axes, grid lines, bars, panels and glyph stems are drawn so; stars and foliage are not. */
export const STRAIGHT_RUN = 5

/** Largest per-channel difference (levels) for two pixels to count as the same flat colour (JPEG leaves ±1 in flat areas). */
const SAME_COLOUR = 1
/** Luma steps (levels) that bound texture: below is smooth, above is a sharp edge. */
const TEXTURE_MIN_STEP = 4
const EDGE_MIN_STEP = 40

/**
 * Line-art statistics of an interleaved 8-bit raster (`channels` >= 3, RGB first) of
 * `width` x `height` px with its luma (1 byte/px). Border pixels are not counted.
 */
export const lineArtStats = (rgb: Uint8Array, luma: Uint8Array, width: number, height: number, channels: number): LineArtStats => {
  const inner = Math.max(0, width - 2) * Math.max(0, height - 2)
  if (inner === 0) return { flatShare: 0, textureShare: 0, edgeShare: 0, flatColours: 0, straightEdges: 0, strokeShare: 0 }
  const near = (i: number, j: number) =>
    Math.abs(rgb[i]! - rgb[j]!) <= SAME_COLOUR && Math.abs(rgb[i + 1]! - rgb[j + 1]!) <= SAME_COLOUR && Math.abs(rgb[i + 2]! - rgb[j + 2]!) <= SAME_COLOUR
  const colourCounts = new Uint32Array(1 << 15)
  const colours: Array<number> = []
  const edges = new Uint8Array(width * height)
  const flats = new Uint8Array(width * height)
  const row = width * channels
  let flat = 0
  let texture = 0
  let edge = 0
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1, p = y * width + 1; x < width - 1; x++, p++) {
      const l = luma[p]!
      const step = Math.max(Math.abs(luma[p - 1]! - l), Math.abs(luma[p + 1]! - l), Math.abs(luma[p - width]! - l), Math.abs(luma[p + width]! - l))
      if (step > EDGE_MIN_STEP) {
        edge++
        edges[p] = 1
        continue
      }
      if (step >= TEXTURE_MIN_STEP) {
        texture++
        continue
      }
      // Luma within 3 levels of every neighbour: flat when the colours match too (luma alone misses hue changes).
      const i = p * channels
      if (step <= 1 && near(i, i - channels) && near(i, i + channels) && near(i, i - row) && near(i, i + row)) {
        flat++
        flats[p] = 1
        const key = ((rgb[i]! >> 3) << 10) | ((rgb[i + 1]! >> 3) << 5) | (rgb[i + 2]! >> 3)
        if (colourCounts[key]!++ === 0) colours.push(key)
      }
    }
  }
  let flatColours = 0
  const counts = colours.map((key) => colourCounts[key]!).sort((a, b) => b - a)
  for (let held = 0; held < 0.9 * flat; flatColours++) held += counts[flatColours]!
  // Straight runs: count the edge pixels of horizontal or vertical runs of >= STRAIGHT_RUN edge pixels (each once).
  const straight = new Uint8Array(width * height)
  let straightCount = 0
  const mark = (from: number, to: number, stride: number) => {
    for (let q = from; q < to; q += stride) {
      if (straight[q] === 0) straightCount++
      straight[q] = 1
    }
  }
  for (let y = 0; y < height; y++) {
    let start = -1
    for (let x = 0; x <= width; x++) {
      const on = x < width && edges[y * width + x] === 1
      if (on && start < 0) start = x
      if (!on && start >= 0) {
        if (x - start >= STRAIGHT_RUN) mark(y * width + start, y * width + x, 1)
        start = -1
      }
    }
  }
  for (let x = 0; x < width; x++) {
    let start = -1
    for (let y = 0; y <= height; y++) {
      const on = y < height && edges[y * width + x] === 1
      if (on && start < 0) start = y
      if (!on && start >= 0) {
        if (y - start >= STRAIGHT_RUN) mark(start * width + x, y * width + x, width)
        start = -1
      }
    }
  }
  // Strokes: pixels that are not flat with a flat pixel at most 2 px away along their row or column.
  let stroke = 0
  for (let y = 2; y < height - 2; y++) {
    for (let x = 2, p = y * width + 2; x < width - 2; x++, p++) {
      if (flats[p] === 1) continue
      if (flats[p - 1] === 1 || flats[p + 1] === 1 || flats[p - 2] === 1 || flats[p + 2] === 1 || flats[p - width] === 1 || flats[p + width] === 1 || flats[p - 2 * width] === 1 || flats[p + 2 * width] === 1) stroke++
    }
  }
  const notFlat = Math.max(0, width - 4) * Math.max(0, height - 4) - flat
  return {
    flatShare: flat / inner,
    textureShare: texture / inner,
    edgeShare: edge / inner,
    flatColours,
    straightEdges: edge === 0 ? 0 : straightCount / edge,
    strokeShare: notFlat <= 0 ? 0 : stroke / notFlat
  }
}

/** Comments and program names that say "screenshot" (English, German, French, Italian, Spanish, Japanese, Chinese). */
const SCREENSHOT_WORDS = /screen ?shot|screen ?capture|screen ?recording|bildschirmfoto|capture d['’]écran|schermata|captura de pantalla|スクリーンショット|截屏|截图|螢幕截圖/i

/**
 * Programs that make screenshots, charts or drawings (never photographs), as they name themselves
 * in `Software`. Photo editors (Photoshop, Lightroom, GIMP, camera firmware and transfer tools)
 * are not here: they write photos.
 */
const GRAPHIC_SOFTWARE =
  /\b(matplotlib|gnuplot|plotly|bokeh|ggplot|rstudio|r graphics|graphviz|microsoft (excel|powerpoint)|libreoffice|openoffice|google (sheets|slides)|keynote|tableau|inkscape|adobe illustrator|canva|figma|snagit|greenshot|sharex|flameshot|spectacle|gnome-screenshot|ksnapshot|lightshot|snipping tool|snip & sketch|skitch|cleanshot|shottr|scrot|xfce4-screenshooter|grim)\b/i

/** File names screenshot and screen-recording tools give (Android, macOS, iOS, Windows, GNOME, localised macOS). */
const SCREENSHOT_NAME = /(^|[\\/])(screenshot|screen ?shot|screen ?recording|screencast|screencap|scr_\d|bildschirmfoto|capture d['’]écran|schermata|captura de pantalla|rpreplay|snip_?\d)/i

/**
 * Screen sizes in px (width x height, landscape; either orientation matches): the common desktop
 * and laptop resolutions (StatCounter GlobalStats "Desktop Screen Resolution", 2023-2025), Apple's
 * Mac, iPhone and iPad display resolutions (Apple tech specs) and common Android phone panels.
 */
export const SCREEN_SIZES: ReadonlyArray<readonly [number, number]> = [
  [1280, 720], [1280, 800], [1366, 768], [1440, 900], [1536, 864], [1600, 900], [1680, 1050], [1920, 1080], [1920, 1200],
  [2048, 1152], [2560, 1080], [2560, 1440], [2560, 1600], [2880, 1800], [3024, 1964], [3440, 1440], [3456, 2234], [3840, 2160],
  [5120, 2880], [1334, 750], [1792, 828], [2208, 1242], [2436, 1125], [2532, 1170], [2556, 1179], [2688, 1242], [2778, 1284],
  [2796, 1290], [2340, 1080], [2400, 1080], [3200, 1440], [3120, 1440], [2048, 1536], [2160, 1620], [2360, 1640], [2388, 1668],
  [2732, 2048]
]

const isScreenSize = (width: number, height: number) =>
  SCREEN_SIZES.some(([w, h]) => (width === w && height === h) || (width === h && height === w))

const percent = (fraction: number) => `${Math.round(fraction * 100)}%`

/** True when the item carries camera data (EXIF or QuickTime make or model). */
const fromCamera = (item: MediaItem) => item.make != null || item.model != null

/**
 * Why `item` is a screenshot or a graphic rather than a photo or video of the trip (see module
 * doc), in plain words for the exclusion reason; null when it is (or may be) a real photo.
 * `stats`: the line-art statistics of its thumbnail.
 */
export const nonPhotoReason = (item: MediaItem, stats: LineArtStats): string | null => {
  const comment = item.userComment ?? null
  const software = item.software ?? null
  if (comment !== null && SCREENSHOT_WORDS.test(comment)) return `a screenshot, not a camera ${item.kind}: its metadata says so (comment "${comment}")`
  if (software !== null && SCREENSHOT_WORDS.test(software)) return `a screenshot, not a camera ${item.kind}: it was made by "${software}"`
  if (software !== null && GRAPHIC_SOFTWARE.test(software)) return `a chart, drawing or screen capture, not a camera ${item.kind}: it was made by "${software}"`
  if (fromCamera(item)) return null
  if (SCREENSHOT_NAME.test(item.fileName)) return `a screenshot or screen recording by its name ("${item.fileName}"), with no camera data (no EXIF make or model)`
  if (
    stats.flatShare >= GRAPHIC_MIN_FLAT_SHARE &&
    stats.flatColours <= GRAPHIC_MAX_FLAT_COLOURS &&
    stats.textureShare <= GRAPHIC_MAX_TEXTURE_SHARE &&
    stats.edgeShare >= GRAPHIC_MIN_EDGE_SHARE &&
    stats.straightEdges >= GRAPHIC_MIN_STRAIGHT_EDGES &&
    stats.edgeShare >= GRAPHIC_MIN_EDGE_TO_TEXTURE * stats.textureShare &&
    stats.strokeShare >= (item.mime === "image/png" ? GRAPHIC_MIN_STROKE_SHARE : GRAPHIC_MIN_STROKE_SHARE_LOSSY)
  ) {
    return `a chart or graphic, not a photo: ${percent(stats.flatShare)} of it is flat colour (${stats.flatColours} colour${stats.flatColours === 1 ? "" : "s"}), only ${percent(stats.textureShare)} texture, and it has no camera data (no EXIF make or model)`
  }
  if (item.mime === "image/png" && isScreenSize(item.width, item.height)) {
    return `a screen capture, not a camera photo: a PNG at a screen's size (${item.width} x ${item.height} px) with no camera data (no EXIF make or model)`
  }
  return null
}
