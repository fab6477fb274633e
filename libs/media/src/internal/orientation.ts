/**
 * EXIF orientation (TIFF 6.0 / EXIF 2.32 tag 0x0112, values 1..8) as explicit sharp
 * operations, for pixels whose EXIF must NOT be trusted blindly (HEIC decoded by
 * libheif, which may already have applied `irot`/`imir`). The mapping was checked
 * against sharp's own auto-orientation for all eight values (test/orientation.test.ts).
 */
import type { Sharp } from "sharp"

/** True when the orientation swaps width and height (5..8: a quarter turn). */
export const swapsAxes = (orientation: number): boolean => orientation >= 5 && orientation <= 8

/** Applies EXIF `orientation` to a sharp pipeline (sharp mirrors before it rotates, whatever the call order). */
export const applyOrientation = (image: Sharp, orientation: number): Sharp => {
  switch (orientation) {
    case 2: return image.flop()
    case 3: return image.rotate(180)
    case 4: return image.flip()
    case 5: return image.rotate(90).flip()
    case 6: return image.rotate(90)
    case 7: return image.rotate(90).flop()
    case 8: return image.rotate(270)
    default: return image
  }
}
