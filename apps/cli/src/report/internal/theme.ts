/**
 * Colours and type of the contact sheet and the HTML report: a dark,
 * neutral page so photos keep their own colours, one warm accent for picks,
 * and one colour per exclusion category.
 */
import type { ExclusionCategory } from "@curator/contracts"

/** Contact sheet / report palette (sRGB hex). */
export const palette = {
  page: "#121215",
  card: "#1c1c21",
  cardStroke: "#2e2e35",
  /** Background behind a contained thumbnail (letterbox bars): neutral mid-dark grey. */
  well: "#2a2a30",
  text: "#f4f4f5",
  textSecondary: "#a1a1aa",
  textTertiary: "#71717a",
  accent: "#f5b93a",
  accentText: "#1a1405",
  failed: "#f87171"
} as const

/** Pill colour per exclusion category. */
export const categoryColor: Readonly<Record<ExclusionCategory, string>> = {
  "near-duplicate": "#a78bfa",
  "quality-issue": "#fb923c",
  "content-mismatch": "#38bdf8",
  "redundant-scene": "#94a3b8",
  unprocessable: "#f87171"
}

/**
 * Dimming of an excluded thumbnail: the page colour laid over it at this
 * opacity, so each output channel is `(1 - DIM_OPACITY) * photo + DIM_OPACITY * page`.
 */
export const DIM_OPACITY = 0.62

/**
 * Generic font stack: librsvg resolves it through fontconfig (DejaVu Sans is
 * Debian's `fonts-dejavu-core`; any sans-serif works).
 */
export const FONT_FAMILY = "DejaVu Sans, Verdana, sans-serif"

/**
 * Average advance width of DejaVu Sans per em, measured on mixed-case file
 * names (regular ≈ 0.55, bold ≈ 0.63), rounded up so estimated text never
 * overflows its box. Used to turn a width in px into a character budget.
 */
export const CHAR_WIDTH_EM = { regular: 0.58, bold: 0.66 } as const

/** How many characters of `fontSizePx` text fit in `widthPx` (at least 4). */
export const charBudget = (widthPx: number, fontSizePx: number, weight: keyof typeof CHAR_WIDTH_EM): number =>
  Math.max(4, Math.floor(widthPx / (fontSizePx * CHAR_WIDTH_EM[weight])))
