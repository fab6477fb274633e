/**
 * PhotoRenderer: applies {@link PhotoAdjustments} to a photo at FULL resolution with sharp,
 * and measures images (statistics for the analyzer, measurements for tests).
 *
 * Decoding is the thumbnail path: HEIC through {@link HeifDecoder} (native libheif), every other
 * format through sharp from the file path with `failOn: "truncated"` and `limitInputPixels`.
 * The output is upright (EXIF orientation applied, tag written as 1), keeps the EXIF block
 * (capture time) and the ICC profile (a Display P3 photo stays P3: the pixels are processed in
 * the input's own encoding, never converted to sRGB).
 *
 * Output format by input (the extension and MIME type always match the bytes):
 * JPEG -> JPEG, PNG -> PNG, WebP -> WebP, HEIC -> JPEG (sharp's prebuilt libvips has no HEVC
 * encoder), AVIF -> JPEG (AV1 encoding of a 20 MP photo takes tens of seconds on 2 cores, and
 * JPEG opens everywhere the result is shown or shared).
 *
 * Display previews (the web app's before/after slider): always JPEG, long edge at most
 * {@link ENHANCEMENT_PREVIEW_EDGE} px (never upscaled), upright with no orientation tag, ICC
 * profile kept like the full output (a P3 photo's preview stays P3-encoded). `preview` scales a
 * rendered output (so sharpening and denoising look as they do at full size, downscaled);
 * `previewOriginal` is the "before": the original decoded exactly as `render` decodes it, with no
 * adjustment, scaled the same way, so both previews of a photo have the same size.
 */
import { Context, Effect, Layer, type Scope } from "effect"
import sharp, { type Sharp } from "sharp"
import { type CorruptMediaError, ENHANCEMENT_PREVIEW_EDGE, MediaTooLargeError, type MediaToolTimeoutError, type PhotoAdjustments, UnsupportedMediaError } from "@curator/contracts"
import { HeifDecoder } from "./HeifDecoder.js"
import { MediaConfig } from "./MediaConfig.js"
import type { SniffedType } from "./MediaSniffer.js"
import { type ImageStats, measurementOf, type PhotoMeasurement, rasterStats } from "./internal/imageStats.js"
import { unlinkJpegExifThumbnail } from "./internal/jpegExif.js"
import { corruptFromSharp } from "./internal/sharpErrors.js"
import { applyLut, DEFAULT_LUT_SIZE, fitLut, lowPassFitError } from "./ColourTransfer.js"

export { CLIPPED_LUMA, CRUSHED_LUMA, type Histogram, histogramMean, histogramPercentile, type ImageStats, type PhotoMeasurement } from "./internal/imageStats.js"

/** Output formats of {@link PhotoRenderer.render}. */
export type RenderedFormat = "jpeg" | "png" | "webp" | "avif"

/**
 * A rendered photo: encoded `bytes`, their `format`, the matching extension (`ext`, no dot) and
 * `mime` type, and the size in px (upright, the full resolution of the input).
 */
export interface RenderedPhoto {
  readonly bytes: Uint8Array
  readonly format: RenderedFormat
  readonly ext: string
  readonly mime: string
  readonly width: number
  readonly height: number
}

/** A display preview: JPEG `bytes` and their size in px (long edge <= {@link ENHANCEMENT_PREVIEW_EDGE}). */
export interface PhotoPreview {
  readonly bytes: Uint8Array
  readonly width: number
  readonly height: number
}

/** Failures of the renderer: undecodable -> Corrupt, over the pixel limit -> TooLarge, libheif killed -> Timeout, video -> Unsupported. */
export type PhotoRenderError = CorruptMediaError | MediaTooLargeError | MediaToolTimeoutError | UnsupportedMediaError

/** JPEG quality of rendered photos: 92 keeps the enhanced photo visually lossless at about half the bytes of 100. */
export const RENDER_JPEG_QUALITY = 92
/** WebP quality of rendered photos (same reasoning as {@link RENDER_JPEG_QUALITY}). */
export const RENDER_WEBP_QUALITY = 90
/** JPEG quality of display previews: 85 is visually clean at screen size and keeps a 2048 px preview to a few hundred kB. */
export const PREVIEW_JPEG_QUALITY = 85
/** Longest edge in px of the raster {@link PhotoRenderer.statistics} analyses: enough for percentiles and a noise estimate, cheap to decode. */
export const ANALYSIS_EDGE = 1024

const OUTPUT: Record<SniffedType["format"], { readonly format: RenderedFormat; readonly ext: string; readonly mime: string }> = {
  jpeg: { format: "jpeg", ext: "jpg", mime: "image/jpeg" },
  heic: { format: "jpeg", ext: "jpg", mime: "image/jpeg" },
  avif: { format: "jpeg", ext: "jpg", mime: "image/jpeg" },
  png: { format: "png", ext: "png", mime: "image/png" },
  webp: { format: "webp", ext: "webp", mime: "image/webp" },
  mp4: { format: "jpeg", ext: "jpg", mime: "image/jpeg" },
  mov: { format: "jpeg", ext: "jpg", mime: "image/jpeg" },
  "3gp": { format: "jpeg", ext: "jpg", mime: "image/jpeg" }
}

/**
 * Queues the adjustments on a sharp pipeline. sharp runs its operations in a fixed order
 * (gamma-in, median, modulate, sharpen, gamma-out, linear), so the tone curve of
 * {@link PhotoAdjustments} is built from those: `gamma(g, gOut)` raises the input to g / gOut
 * (= 1/gamma; both factors must be 1..3), then one per-channel `linear` does levels, white
 * balance and contrast together. `channels`/`hasAlpha` describe the decoded bands (alpha last,
 * passed through); `maxValue` is 255 for 8-bit and 65535 for 16-bit pixels.
 */
export const applyAdjustments = (image: Sharp, params: PhotoAdjustments, channels: number, hasAlpha: boolean, maxValue: number): Sharp => {
  const exponent = 1 / params.gamma
  if (exponent < 1) image = image.gamma(1, Math.min(3, 1 / exponent))
  else if (exponent > 1) image = image.gamma(Math.min(3, exponent), 1)
  const black = Math.pow(params.blackPoint, exponent)
  const white = Math.pow(Math.max(params.whitePoint, params.blackPoint + 1e-3), exponent)
  const slope = 1 / (white - black)
  const { contrast } = params
  const colourBands = channels - (hasAlpha ? 1 : 0)
  const gains = colourBands >= 3 ? [params.whiteBalance.red, params.whiteBalance.green, params.whiteBalance.blue] : [1]
  const a = gains.map((gain) => contrast * gain * slope)
  const b = gains.map((gain) => (contrast * -gain * slope * black + 0.5 * (1 - contrast)) * maxValue)
  // An alpha channel (the last band) passes unchanged.
  if (hasAlpha) {
    a.push(1)
    b.push(0)
  }
  image = image.linear(a, b)
  if (params.saturation !== 1) image = image.modulate({ saturation: params.saturation })
  if (params.denoise > 0) image = image.median(params.denoise)
  if (params.sharpenSigma > 0) image = image.sharpen({ sigma: params.sharpenSigma })
  return image
}

/**
 * The kept EXIF block of a rendered JPEG without its IFD1 (the camera's embedded thumbnail): that
 * thumbnail shows the original as stored (unrotated, unenhanced) and its IFD1 Orientation would
 * still ask viewers to turn it (issue 12 item 3: ExifTool read "Rotate 90 CW" there). IFD0's
 * Orientation is already 1 (`withExifMerge`). Other formats pass unchanged.
 */
const withoutStaleThumbnail = (data: Buffer, format: RenderedFormat): Uint8Array => {
  if (format === "jpeg") unlinkJpegExifThumbnail(data)
  return new Uint8Array(data)
}

/** Statistics of an (upright) sharp pipeline, downscaled to at most {@link ANALYSIS_EDGE} px. */
const statisticsOf = (image: Sharp, source: { readonly width: number; readonly height: number }) =>
  Effect.tryPromise({
    try: () =>
      image
        .resize(ANALYSIS_EDGE, ANALYSIS_EDGE, { fit: "inside", withoutEnlargement: true })
        .toColourspace("srgb")
        .removeAlpha()
        .raw({ depth: "uchar" })
        .toBuffer({ resolveWithObject: true }),
    catch: corruptFromSharp
  }).pipe(Effect.map(({ data, info }) => rasterStats(data, info.width, info.height, info.channels, source)))

/**
 * Encodes an upright pipeline as a display preview: scaled inside {@link ENHANCEMENT_PREVIEW_EDGE}
 * (never enlarged), alpha flattened on white, ICC profile kept, JPEG {@link PREVIEW_JPEG_QUALITY}.
 */
const previewOf = (image: Sharp) =>
  Effect.tryPromise({
    try: () =>
      image
        .resize(ENHANCEMENT_PREVIEW_EDGE, ENHANCEMENT_PREVIEW_EDGE, { fit: "inside", withoutEnlargement: true })
        .flatten({ background: "#ffffff" })
        .keepIccProfile()
        .jpeg({ quality: PREVIEW_JPEG_QUALITY })
        .toBuffer({ resolveWithObject: true }),
    catch: corruptFromSharp
  }).pipe(Effect.map(({ data, info }): PhotoPreview => ({ bytes: new Uint8Array(data), width: info.width, height: info.height })))

/** Longest edge in px of a photo uploaded to the AI model (issue 6: "photos downscaled (longest edge 1920) before upload"). */
export const AI_IMAGE_EDGE = 1920
/** JPEG quality of the AI upload: 85, as the display previews (clean at this size, a few hundred kB). */
export const AI_IMAGE_JPEG_QUALITY = 85

/**
 * Encodes an upright pipeline as the AI upload: scaled inside {@link AI_IMAGE_EDGE} (never
 * enlarged), alpha flattened on white, converted to sRGB with no metadata kept (no GPS or
 * device tags reach the model), JPEG {@link AI_IMAGE_JPEG_QUALITY}.
 */
const aiImageOf = (image: Sharp) =>
  Effect.tryPromise({
    try: () =>
      image
        .resize(AI_IMAGE_EDGE, AI_IMAGE_EDGE, { fit: "inside", withoutEnlargement: true })
        .flatten({ background: "#ffffff" })
        .toColourspace("srgb")
        .jpeg({ quality: AI_IMAGE_JPEG_QUALITY })
        .toBuffer({ resolveWithObject: true }),
    catch: corruptFromSharp
  }).pipe(Effect.map(({ data, info }): PhotoPreview => ({ bytes: new Uint8Array(data), width: info.width, height: info.height })))

/**
 * Measures encoded image bytes (any format sharp decodes; EXIF orientation applied):
 * see {@link PhotoMeasurement}. Undecodable -> `CorruptMediaError`.
 */
export const measurePhoto = (bytes: Uint8Array): Effect.Effect<PhotoMeasurement, CorruptMediaError> =>
  Effect.flatMap(
    Effect.tryPromise({ try: () => sharp(bytes).metadata(), catch: corruptFromSharp }),
    (meta) => statisticsOf(sharp(bytes).autoOrient(), { width: meta.autoOrient.width, height: meta.autoOrient.height })
  ).pipe(Effect.map(measurementOf))

/**
 * A photo decoded once (see {@link PhotoRenderer.open}): its upright size in px and the
 * operations of the service on it, each starting a new sharp pipeline from the decoded source.
 * Valid while the scope `open` ran in is open.
 */
export interface OpenedPhoto {
  readonly width: number
  readonly height: number
  /** {@link PhotoRenderer.statistics} of this photo. */
  readonly statistics: Effect.Effect<ImageStats, CorruptMediaError>
  /** {@link PhotoRenderer.render} of this photo with `params`. */
  readonly render: (params: PhotoAdjustments) => Effect.Effect<RenderedPhoto, CorruptMediaError>
  /** {@link PhotoRenderer.previewOriginal} of this photo (the "before"). */
  readonly previewOriginal: Effect.Effect<PhotoPreview, CorruptMediaError>
  /** {@link PhotoRenderer.aiImage} of this photo. */
  readonly aiImage: Effect.Effect<PhotoPreview, CorruptMediaError>
  /**
   * The full-resolution output of an AI edit of this photo: `edited` is the model's image cropped
   * back to this photo's aspect ratio (any size, typically ~1 MP; any format sharp decodes). Made by
   * `method` (default `auto`, see {@link EditTransferMethod}); upright, sRGB (the model works in
   * sRGB; the ICC profile written is sRGB), EXIF kept with orientation 1, output format as `render`.
   * Undecodable bytes -> `CorruptMediaError`.
   */
  readonly renderEdited: (edited: Uint8Array, options?: { readonly method?: EditTransferMethod; readonly maxLutFitError?: number; readonly lutSize?: number }) => Effect.Effect<RenderedEdit, CorruptMediaError>
}

/**
 * How {@link OpenedPhoto.renderEdited} brings an AI edit (~1 MP) to full resolution:
 * - `lut`: fit a 3D LUT from the original (downscaled to the edit's size) to the edit and apply it
 *   to the full-resolution original (ColourTransfer.ts): every pixel of detail kept, only global
 *   tone and colour transferred;
 * - `upscale`: the edit itself, resized to full resolution with Lanczos-3 (local changes kept,
 *   detail limited to what ~1 MP holds);
 * - `auto`: `lut` when its low-pass fit error on the edit (`lowPassFitError`) is at most
 *   `maxLutFitError`, else `upscale` (decision 0006).
 */
export type EditTransferMethod = "auto" | "lut" | "upscale"

/**
 * Largest low-pass LUT fit error (`lowPassFitError`: RMS 8-bit levels after a box low-pass to
 * <= 64 px, on the ~1 MP edit) at which `auto` still takes the LUT. Measured (docs/performance.md
 * §9, simulated edits on the fixtures): global tone/colour edits 0.14-0.35; the same edit "redrawn"
 * (blurred and shifted a pixel, as a generative model does not register exactly) 2.05-10.77; a local
 * brightening 4.87-11.87. 4.5 takes every global and most redrawn edits to the LUT (which beats the
 * upscale on all of them) and sends every local edit to the upscale; the redrawn ones past it are
 * <= 1 MP photos, where the "upscale" is the model's own pixels.
 */
export const MAX_LUT_FIT_ERROR = 4.5

/** A rendered edit: the photo plus how it was made and the LUT's low-pass fit error (`lowPassFitError`, RMS 8-bit levels; computed for both methods). */
export interface RenderedEdit extends RenderedPhoto {
  readonly method: "lut" | "upscale"
  readonly lutFitError: number
}

/** The service. */
export class PhotoRenderer extends Context.Service<PhotoRenderer, {
  /**
   * Decodes the photo at `path` (sniffed already) ONCE for several operations: a HEIC goes
   * through libheif one time instead of once per operation (a 12 MP HEIC decode is ~0.5-1.5 s on
   * this 2-core machine; round 0 of the enhancement task needs statistics, render and the
   * "before"). The decoded intermediate lives until the caller's scope closes. Checks as `render`:
   * a video -> `UnsupportedMediaError`, over the pixel limit -> `MediaTooLargeError`, HEIC decode
   * failures per HeifDecoder; JPEG/PNG/WebP/AVIF are decoded lazily by each operation.
   */
  readonly open: (path: string, sniffed: SniffedType) => Effect.Effect<OpenedPhoto, PhotoRenderError, Scope.Scope>
  /**
   * Renders the photo at `path` (sniffed already) with `params` at full resolution, upright,
   * EXIF and ICC profile kept; output format per the module doc. Fails with {@link PhotoRenderError}.
   */
  readonly render: (path: string, sniffed: SniffedType, params: PhotoAdjustments) => Effect.Effect<RenderedPhoto, PhotoRenderError>
  /** The {@link ImageStats} of the photo at `path`, upright, decoded as `render` does, analysed at <= {@link ANALYSIS_EDGE} px. */
  readonly statistics: (path: string, sniffed: SniffedType) => Effect.Effect<ImageStats, PhotoRenderError>
  /**
   * The display preview of a rendered output (see the module doc). Undecodable bytes ->
   * `CorruptMediaError`.
   */
  readonly preview: (rendered: RenderedPhoto) => Effect.Effect<PhotoPreview, CorruptMediaError>
  /**
   * The "before" preview of the photo at `path`: decoded as `render` decodes it (HEIC through
   * libheif, upright), no adjustment, scaled and encoded as `preview`. Fails with {@link PhotoRenderError}.
   */
  readonly previewOriginal: (path: string, sniffed: SniffedType) => Effect.Effect<PhotoPreview, PhotoRenderError>
  /**
   * The photo at `path` as uploaded to the AI model: decoded as `render` decodes it (HEIC through
   * libheif, EXIF orientation applied), longest edge <= {@link AI_IMAGE_EDGE} px (never enlarged),
   * sRGB JPEG {@link AI_IMAGE_JPEG_QUALITY} with no metadata. Fails with {@link PhotoRenderError}.
   */
  readonly aiImage: (path: string, sniffed: SniffedType) => Effect.Effect<PhotoPreview, PhotoRenderError>
  /** {@link measurePhoto}. */
  readonly measure: (bytes: Uint8Array) => Effect.Effect<PhotoMeasurement, CorruptMediaError>
}>()("curator/media/PhotoRenderer") {
  static readonly layer = Layer.effect(
    PhotoRenderer,
    Effect.gen(function* () {
      const config = yield* MediaConfig
      const heif = yield* HeifDecoder
      yield* Effect.sync(() => sharp.cache(false))

      /**
       * Decodes a photo once (HEIC via libheif into the scope's temp dir; the rest are read by
       * sharp from the path, after the pixel-limit check) and offers every operation on it.
       */
      const open = Effect.fn("PhotoRenderer.open")(function* (path: string, sniffed: SniffedType) {
        if (sniffed.kind !== "photo") {
          return yield* new UnsupportedMediaError({ message: `a ${sniffed.format} video is not a photo: PhotoRenderer renders photos only` })
        }
        let decoded: { readonly width: number; readonly height: number; readonly pipeline: () => Sharp }
        if (sniffed.format === "heic") {
          decoded = yield* heif.decode(path)
        } else {
          const meta = yield* Effect.tryPromise({ try: () => sharp(path, { limitInputPixels: false }).metadata(), catch: corruptFromSharp })
          const pixels = (meta.width ?? 0) * (meta.height ?? 0)
          if (pixels > config.maxInputPixels) {
            return yield* new MediaTooLargeError({
              message: `${meta.width}x${meta.height} px is ${(pixels / 1e6).toFixed(1)} megapixels, over the limit of ${(config.maxInputPixels / 1e6).toFixed(1)} megapixels`
            })
          }
          decoded = {
            width: meta.autoOrient.width,
            height: meta.autoOrient.height,
            pipeline: () => sharp(path, { failOn: "truncated", limitInputPixels: config.maxInputPixels }).autoOrient()
          }
        }
        const { width, height, pipeline } = decoded
        const output = OUTPUT[sniffed.format]

        const render = Effect.fn("PhotoRenderer.render")(function* (params: PhotoAdjustments) {
          const { data, info } = yield* Effect.tryPromise({
            try: async () => {
              const image = pipeline()
              const input = await image.metadata()
              const channels = input.channels ?? 3
              const maxValue = input.depth === "ushort" ? 65535 : 255
              let out = applyAdjustments(image, params, channels, input.hasAlpha === true, maxValue)
                .keepIccProfile()
                // Keep the EXIF block (capture time, camera, GPS); the pixels are upright now, so orientation is 1.
                .withExifMerge({ IFD0: { Orientation: "1" } })
              if (output.format === "jpeg") {
                if (input.hasAlpha) out = out.flatten({ background: "#ffffff" })
                out = out.jpeg({ quality: RENDER_JPEG_QUALITY })
              } else if (output.format === "png") out = out.png()
              else if (output.format === "webp") out = out.webp({ quality: RENDER_WEBP_QUALITY })
              return out.toBuffer({ resolveWithObject: true })
            },
            catch: corruptFromSharp
          })
          return { bytes: withoutStaleThumbnail(data, output.format), ...output, width: info.width, height: info.height } satisfies RenderedPhoto
        })

        const rgb = (image: Sharp) => image.flatten({ background: "#ffffff" }).toColourspace("srgb").removeAlpha().raw({ depth: "uchar" }).toBuffer({ resolveWithObject: true })

        const renderEdited = Effect.fn("PhotoRenderer.renderEdited")(function* (
          edited: Uint8Array,
          options: { readonly method?: EditTransferMethod; readonly maxLutFitError?: number; readonly lutSize?: number } = {}
        ) {
          const small = yield* Effect.tryPromise({ try: () => rgb(sharp(edited).autoOrient()), catch: corruptFromSharp })
          const w = small.info.width
          const h = small.info.height
          const source = yield* Effect.tryPromise({ try: () => rgb(pipeline().resize(w, h, { fit: "fill" })), catch: corruptFromSharp })
          const lut = fitLut(source.data, small.data, options.lutSize ?? DEFAULT_LUT_SIZE)
          const fitError = lowPassFitError(source.data, small.data, w, h, lut)
          const wanted = options.method ?? "auto"
          const method = wanted === "auto" ? (fitError <= (options.maxLutFitError ?? MAX_LUT_FIT_ERROR) ? "lut" : "upscale") : wanted
          const { data, info } = yield* Effect.tryPromise({
            try: async () => {
              const pixels =
                method === "lut"
                  ? applyLut((await rgb(pipeline())).data, lut)
                  : (await rgb(sharp(edited).autoOrient().resize(width, height, { fit: "fill", kernel: "lanczos3" }))).data
              // The original's pipeline as the base keeps its EXIF block; "source" blending replaces every pixel.
              let out = pipeline()
                .composite([{ input: Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), raw: { width, height, channels: 3 }, blend: "source" }])
                .withIccProfile("srgb")
                .withExifMerge({ IFD0: { Orientation: "1" } })
              if (output.format === "jpeg") out = out.flatten({ background: "#ffffff" }).jpeg({ quality: RENDER_JPEG_QUALITY })
              else if (output.format === "png") out = out.png()
              else if (output.format === "webp") out = out.webp({ quality: RENDER_WEBP_QUALITY })
              return out.toBuffer({ resolveWithObject: true })
            },
            catch: corruptFromSharp
          })
          return { bytes: withoutStaleThumbnail(data, output.format), ...output, width: info.width, height: info.height, method, lutFitError: fitError } satisfies RenderedEdit
        })

        return {
          width,
          height,
          renderEdited,
          statistics: Effect.suspend(() => statisticsOf(pipeline(), { width, height })),
          render,
          previewOriginal: Effect.suspend(() => previewOf(pipeline())),
          aiImage: Effect.suspend(() => aiImageOf(pipeline()))
        } satisfies OpenedPhoto
      })

      const render = (path: string, sniffed: SniffedType, params: PhotoAdjustments) =>
        Effect.scoped(Effect.flatMap(open(path, sniffed), (photo) => photo.render(params)))

      const statistics = (path: string, sniffed: SniffedType) => Effect.scoped(Effect.flatMap(open(path, sniffed), (photo) => photo.statistics))

      // The rendered bytes are upright already (orientation tag 1); autoOrient is a no-op kept for safety.
      const preview = Effect.fn("PhotoRenderer.preview")(function* (rendered: RenderedPhoto) {
        return yield* previewOf(sharp(rendered.bytes, { limitInputPixels: config.maxInputPixels }).autoOrient())
      })

      const previewOriginal = (path: string, sniffed: SniffedType) =>
        Effect.scoped(Effect.flatMap(open(path, sniffed), (photo) => photo.previewOriginal))

      const aiImage = (path: string, sniffed: SniffedType) => Effect.scoped(Effect.flatMap(open(path, sniffed), (photo) => photo.aiImage))

      return PhotoRenderer.of({ open, render, statistics, preview, previewOriginal, aiImage, measure: measurePhoto })
    })
  )
}
