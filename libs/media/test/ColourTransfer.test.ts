import { describe, expect, it } from "vitest"
import { applyLut, fitLut, lowPassFitError, lutFitError, rmsDifference } from "../src/index.js"

/** Every 8-bit colour on a coarse grid plus noise-free gradients: n pixels of RGB. */
const colours = (n: number, seed = 1): Uint8Array => {
  const out = new Uint8Array(n * 3)
  let s = seed
  for (let i = 0; i < out.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0
    out[i] = s >>> 24
  }
  return out
}
const map = (pixels: Uint8Array, f: (r: number, g: number, b: number) => [number, number, number]) => {
  const out = new Uint8Array(pixels.length)
  for (let p = 0; p < pixels.length; p += 3) {
    const [r, g, b] = f(pixels[p]!, pixels[p + 1]!, pixels[p + 2]!)
    out[p] = Math.max(0, Math.min(255, Math.round(r)))
    out[p + 1] = Math.max(0, Math.min(255, Math.round(g)))
    out[p + 2] = Math.max(0, Math.min(255, Math.round(b)))
  }
  return out
}
const warm = (r: number, g: number, b: number): [number, number, number] => [255 * Math.pow(r / 255, 0.85) * 1.05, 255 * Math.pow(g / 255, 0.9), b * 0.9]

describe("ColourTransfer", () => {
  it("an identity edit fits an identity LUT", () => {
    const src = colours(20_000)
    const lut = fitLut(src, src, 17)
    expect(rmsDifference(applyLut(src, lut), src)).toBeLessThan(0.5)
  })

  it("fits a global tone/colour edit on a small image within a level and applies it to other pixels", () => {
    const small = colours(50_000, 7)
    const lut = fitLut(small, map(small, warm), 33)
    expect(lutFitError(small, map(small, warm), lut)).toBeLessThan(1)
    // Pixels the fit never saw (another sample) get the same edit.
    const other = colours(50_000, 99)
    expect(rmsDifference(applyLut(other, lut), map(other, warm))).toBeLessThan(1.5)
  })

  it("fills colours no pixel had from their neighbours, so a narrow-gamut photo still gets a smooth table", () => {
    // Only dark colours (0..100) in the fit; a brightening by +20 levels.
    const dark = map(colours(20_000, 3), (r, g, b) => [r * 0.4, g * 0.4, b * 0.4])
    const lut = fitLut(dark, map(dark, (r, g, b) => [r + 20, g + 20, b + 20]), 17)
    const bright = new Uint8Array([200, 200, 200])
    expect(applyLut(bright, lut)[0]).toBeGreaterThan(210)
  })

  it("a local edit (one half brightened) fits badly, at full detail and low-passed: the error that sends auto to upscaling", () => {
    const src = colours(40_000, 5) // 200 x 200
    const edited = new Uint8Array(src)
    for (let p = 0; p < edited.length / 2; p++) edited[p] = Math.min(255, edited[p]! + 40)
    const lut = fitLut(src, edited, 33)
    expect(lutFitError(src, edited, lut)).toBeGreaterThan(10)
    expect(lowPassFitError(src, edited, 200, 200, lut)).toBeGreaterThan(10)
  })

  it("an edit that moved the texture a pixel fits badly pixel by pixel, far better low-passed", () => {
    // 320 x 320: a smooth gradient with strong fine texture (+-40 levels of noise), then shifted 1 px right.
    const size = 320
    const noise = colours(size * size, 8)
    const src = new Uint8Array(size * size * 3)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        for (let c = 0; c < 3; c++) {
          const i = (y * size + x) * 3 + c
          src[i] = Math.round(40 + (x + y) * 0.25 + (noise[i]! / 255 - 0.5) * 80)
        }
    const shifted = new Uint8Array(src.length)
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) shifted[(y * size + x) * 3 + c] = src[(y * size + Math.max(0, x - 1)) * 3 + c]!
    const lut = fitLut(src, shifted, 17)
    const pixelError = lutFitError(src, shifted, lut)
    expect(pixelError).toBeGreaterThan(20)
    // What is left low-passed is the LUT's own bias (it maps noisy colours towards their mean), not the shift.
    expect(lowPassFitError(src, shifted, size, size, lut)).toBeLessThan(pixelError / 3)
  })
})
