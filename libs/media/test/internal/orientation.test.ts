import sharp from "sharp"
import { describe, expect, it } from "vitest"
import { applyOrientation } from "../../src/index.js"

describe("applyOrientation", () => {
  it("matches sharp's own EXIF auto-orientation for all eight values", async () => {
    const width = 3
    const height = 2
    const raw = Buffer.from(Array.from({ length: width * height }, (_, i) => [i * 40, 0, 0]).flat())
    const png = await sharp(raw, { raw: { width, height, channels: 3 } }).png().toBuffer()
    for (let orientation = 1; orientation <= 8; orientation++) {
      const tagged = await sharp(png).withMetadata({ orientation }).png().toBuffer()
      const reference = await sharp(tagged).rotate().raw().toBuffer({ resolveWithObject: true })
      const ours = await applyOrientation(sharp(png), orientation).raw().toBuffer({ resolveWithObject: true })
      expect([ours.info.width, ours.info.height], `orientation ${orientation}`).toEqual([reference.info.width, reference.info.height])
      expect([...ours.data], `orientation ${orientation}`).toEqual([...reference.data])
    }
  })
})
