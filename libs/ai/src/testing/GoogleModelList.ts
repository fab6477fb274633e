/**
 * The stand-in's list of real Gemini Developer API model IDs with their release and shutdown
 * dates, taken from Google's pages — deliberately apart from Curator's defaults (GeminiModels.ts),
 * so a default that Google has shut down fails every test that runs against the strict stand-in.
 *
 * Sources (read 2026-12-07 through stored copies):
 * - https://ai.google.dev/gemini-api/docs/deprecations (copy listing `gemini-3.8-flash`, September
 *   2026; and the earlier copies with the 2.x and preview rows): release and shutdown dates.
 * - https://ai.google.dev/gemini-api/docs/changelog (copy up to 2026-10-08): releases of
 *   `gemini-nano-banana-2.1` (2026-10-06) and `gemini-3.1-flash-lite-image` (2026-06-30), the
 *   shutdowns of the 2.0 models (2026-06-01) and of `gemini-3.1-flash-lite-preview` (2026-05-25),
 *   and the deprecations of 2026-10-06 / 2026-10-08 (no shutdown date announced: such a model is
 *   still served).
 * - Token limits: Google's guide to Gemini 3.8 Flash on Google Cloud (1,048,576 in / 65,536 out,
 *   also for 3.7 Flash and 3.1 Pro); `models.list` output of 2025 for the 2.x models. A limit no
 *   stored source gives is the conservative 32,768 (image models) or 1,048,576 (Flash text models,
 *   the family's documented window).
 */

/**
 * One model: `id` as used in `models/{id}`; `released` / `shutdown` (ISO dates; shutdown null =
 * none announced); `kind` (image models answer images); `generation` (token figures and the
 * thought-signature rules: Gemini 3 image models answer 400 to a model turn without its signature);
 * `inputTokenLimit` / `outputTokenLimit` as `models.get` reports them.
 */
export interface GoogleModel {
  readonly id: string
  readonly released: string
  readonly shutdown: string | null
  readonly kind: "text" | "image"
  readonly generation: "2.x" | "3"
  readonly inputTokenLimit: number
  readonly outputTokenLimit: number
}

const text3 = (id: string, released: string, shutdown: string | null = null): GoogleModel => ({
  id, released, shutdown, kind: "text", generation: "3", inputTokenLimit: 1_048_576, outputTokenLimit: 65_536
})
const image3 = (id: string, released: string, shutdown: string | null = null): GoogleModel => ({
  id, released, shutdown, kind: "image", generation: "3", inputTokenLimit: 32_768, outputTokenLimit: 32_768
})
const text2 = (id: string, released: string, shutdown: string | null): GoogleModel => ({
  id, released, shutdown, kind: "text", generation: "2.x", inputTokenLimit: 1_048_576, outputTokenLimit: 65_536
})

/** The list (see the module doc for the sources). */
export const GOOGLE_MODELS: ReadonlyArray<GoogleModel> = [
  text3("gemini-3.8-flash", "2026-09-02"),
  text3("gemini-3.7-flash", "2026-08-13"),
  text3("gemini-3.6-flash", "2026-07-21"),
  text3("gemini-3.5-flash-lite", "2026-07-21"),
  text3("gemini-3.5-flash", "2026-05-19"),
  text3("gemini-3.1-flash-lite", "2026-05-07", "2027-05-07"),
  text3("gemini-3.1-pro-preview", "2026-02-19"),
  text3("gemini-3-flash-preview", "2025-12-17"),
  text3("gemini-3-pro-preview", "2025-11-18", "2026-03-09"),
  text3("gemini-3.1-flash-lite-preview", "2026-03-03", "2026-05-25"),
  image3("gemini-nano-banana-2.1", "2026-10-06"),
  image3("gemini-3.1-flash-lite-image", "2026-06-30"),
  image3("gemini-3.1-flash-image", "2026-05-28"),
  image3("gemini-3-pro-image", "2026-05-28"),
  image3("gemini-3.1-flash-image-preview", "2026-02-26", "2026-06-25"),
  image3("gemini-3-pro-image-preview", "2025-11-20", "2026-06-25"),
  text2("gemini-2.5-pro", "2025-06-17", "2026-06-17"),
  text2("gemini-2.5-flash", "2025-06-17", "2026-06-17"),
  text2("gemini-2.5-flash-lite", "2025-07-22", "2026-07-22"),
  { id: "gemini-2.5-flash-image", released: "2025-10-02", shutdown: "2026-10-02", kind: "image", generation: "2.x", inputTokenLimit: 32_768, outputTokenLimit: 32_768 },
  text2("gemini-2.0-flash", "2025-02-05", "2026-06-01"),
  text2("gemini-2.0-flash-lite", "2025-02-25", "2026-06-01")
]

/** The model `id` as served on `day` (ISO date): null when the list lacks it or it is shut down by then. */
export const servedModel = (id: string, day: string): GoogleModel | null => {
  const model = GOOGLE_MODELS.find((m) => m.id === id)
  if (model === undefined || model.released > day) return null
  return model.shutdown !== null && model.shutdown <= day ? null : model
}
