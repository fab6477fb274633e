/**
 * Gemini's image models answer at fixed aspect ratios and about one megapixel (gemini-2.5-flash-image,
 * ai.google.dev "Image generation" docs, table of 1K resolutions). A photo is padded to the nearest
 * supported ratio before the edit and the answer is cropped back to the photo's own ratio after.
 */
import sharp from "sharp"

/** Supported ratios and the 1K output size of each (width x height px, ai.google.dev image generation docs). */
export const IMAGE_MODEL_SIZES: Readonly<Record<string, { readonly width: number; readonly height: number }>> = {
  "1:1": { width: 1024, height: 1024 },
  "2:3": { width: 832, height: 1248 },
  "3:2": { width: 1248, height: 832 },
  "3:4": { width: 864, height: 1184 },
  "4:3": { width: 1184, height: 864 },
  "4:5": { width: 896, height: 1152 },
  "5:4": { width: 1152, height: 896 },
  "9:16": { width: 768, height: 1344 },
  "16:9": { width: 1344, height: 768 },
  "21:9": { width: 1536, height: 672 }
}

const ratioOf = (name: string) => {
  const [w, h] = name.split(":").map(Number)
  return w! / h!
}

/**
 * The supported ratio nearest to `width`/`height`, by |log(ratio) - log(photo ratio)| (padding
 * by a factor f costs the same whichever side it is on). A photo wider than 21:9 or taller than
 * 9:16 gets the extreme ratio and more padding.
 */
export const nearestAspectRatio = (width: number, height: number): string => {
  const target = Math.log(width / height)
  let best = "1:1"
  for (const name of Object.keys(IMAGE_MODEL_SIZES)) {
    if (Math.abs(Math.log(ratioOf(name)) - target) < Math.abs(Math.log(ratioOf(best)) - target)) best = name
  }
  return best
}

/**
 * Where the photo sits in the padded frame, as fractions of the padded frame (0..1): the photo is
 * centred, padded on two opposite sides only. Stored with an edit so its answer can be cropped later.
 */
export interface PadPlan {
  readonly aspectRatio: string
  readonly left: number
  readonly top: number
  readonly width: number
  readonly height: number
}

/** The padding of a `width` x `height` photo to its nearest supported ratio. */
export const padPlan = (width: number, height: number): PadPlan => {
  const aspectRatio = nearestAspectRatio(width, height)
  const r = ratioOf(aspectRatio)
  if (width / height >= r) {
    // Wider than the target: pad top and bottom.
    const paddedHeight = width / r
    const h = height / paddedHeight
    return { aspectRatio, left: 0, top: (1 - h) / 2, width: 1, height: h }
  }
  const paddedWidth = height * r
  const w = width / paddedWidth
  return { aspectRatio, left: (1 - w) / 2, top: 0, width: w, height: 1 }
}

/**
 * Pads encoded image `bytes` (upright) per `plan`, mirroring the photo's own edges into the padding
 * (a model sees no bars to "fix"), as JPEG quality 90. Returns the padded JPEG.
 */
export const padImage = async (bytes: Uint8Array, plan: PadPlan): Promise<Uint8Array> => {
  const meta = await sharp(bytes).metadata()
  const w = meta.width
  const h = meta.height
  const paddedW = Math.round(w / plan.width)
  const paddedH = Math.round(h / plan.height)
  const left = Math.round((paddedW - w) / 2)
  const top = Math.round((paddedH - h) / 2)
  const out = await sharp(bytes)
    .extend({ left, right: paddedW - w - left, top, bottom: paddedH - h - top, extendWith: "mirror" })
    .jpeg({ quality: 90 })
    .toBuffer()
  return new Uint8Array(out)
}

/** Crops a model's answer (any size at the plan's ratio) back to the photo's region; PNG out. */
export const cropToPhoto = async (bytes: Uint8Array, plan: PadPlan): Promise<Uint8Array> => {
  const meta = await sharp(bytes).metadata()
  const W = meta.width
  const H = meta.height
  const left = Math.min(W - 1, Math.max(0, Math.round(plan.left * W)))
  const top = Math.min(H - 1, Math.max(0, Math.round(plan.top * H)))
  const width = Math.max(1, Math.min(W - left, Math.round(plan.width * W)))
  const height = Math.max(1, Math.min(H - top, Math.round(plan.height * H)))
  return new Uint8Array(await sharp(bytes).extract({ left, top, width, height }).png().toBuffer())
}
