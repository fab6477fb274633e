/**
 * GeminiPrices: the ONE price table Curator estimates Gemini costs from (review page, `curator
 * run` summary, the per-session budget `CURATOR_GEMINI_SESSION_BUDGET_USD`). Paid tier, standard
 * (not batch, not priority), USD per 1,000,000 tokens.
 *
 * Sources (read 2026-12-07):
 * - `gemini-3.8-flash`, `gemini-2.5-flash`, and the fallback (Gemini 3.1 Pro Preview, Gemini 3 Pro
 *   Image): https://ai.google.dev/gemini-api/docs/pricing as transcribed verbatim on 2026-10-07
 *   by api-evangelist/deepmind `plans/deepmind-plans-pricing.yml` (its grounding: "every price_text
 *   was found verbatim in the fetched page text"); the stored copies of Google's page itself do
 *   not reach the price rows. Gemini 3.8 Flash: input "$0.75 through December 31, 2026",
 *   "$1.50 starting January 1, 2027"; output (including thinking tokens) "$3.75 through December 31,
 *   2026", "$7.50 starting January 1, 2027". Gemini 2.5 Flash: input $0.30 (text / image /
 *   video); output $2.50 (the output figure from the 2.5 rows of morphllm.com's copy of the page).
 * - `gemini-nano-banana-2.1`: no stored Google page gives its price. LiteLLM's launch note
 *   (github.com/BerriAI/litellm/discussions/44983) and inference.sh's model page agree: text and
 *   image input $1.50, text output $7.50, image output $30 per 1M tokens ($0.0336 per 1K image,
 *   i.e. 1,120 tokens). Used as given; the smoke test (`npm run smoke:gemini`) prints the real
 *   usage to check against.
 * - Audio input is billed at the text rate here: the transcription quotes no separate audio rate
 *   for Gemini 3.8 Flash (Gemini 2.5 Flash charged $1.00 for audio; Curator's previews carry a few
 *   seconds of sound, so the difference is below a cent per session).
 */
/** Date of reading of every source above (ISO 8601). */
export const PRICES_READ_ON = "2026-12-07"

/** Where the prices come from (shown with estimates). */
export const PRICES_SOURCE = "https://ai.google.dev/gemini-api/docs/pricing (paid tier, standard), read 2026-12-07"

/**
 * One price period of a model, USD per 1M tokens: `input` (prompt: text, image, video, audio),
 * `output` (text answer and thinking), `imageOutput` (generated image tokens; absent = `output`).
 * `from` / `until`: the period's first / last day (ISO dates, inclusive; null = open).
 */
export interface PricePeriod {
  readonly from: string | null
  readonly until: string | null
  readonly input: number
  readonly output: number
  readonly imageOutput?: number
}

/** The table (see the module doc for each row's source). */
export const PRICE_TABLE: Readonly<Record<string, ReadonlyArray<PricePeriod>>> = {
  "gemini-3.8-flash": [
    { from: null, until: "2026-12-31", input: 0.75, output: 3.75 },
    { from: "2027-01-01", until: null, input: 1.5, output: 7.5 }
  ],
  "gemini-nano-banana-2.1": [{ from: null, until: null, input: 1.5, output: 7.5, imageOutput: 30 }],
  "gemini-2.5-flash": [{ from: null, until: null, input: 0.3, output: 2.5 }]
}

/**
 * The price used for a model the table does not list: the dearest rows of the same transcription
 * (Gemini 3.1 Pro Preview: input $2.00, output $12.00 for prompts <= 200k tokens; Gemini 3 Pro
 * Image output $120.00 for images), so an override is never under-estimated against the budget.
 */
export const FALLBACK_PRICE: PricePeriod = { from: null, until: null, input: 2, output: 12, imageOutput: 120 }

/** The price period of `model` on `day` (ISO date `YYYY-MM-DD`); `priced: false` when the table lacks the model (fallback used). */
export const priceOf = (model: string, day: string): { readonly price: PricePeriod; readonly priced: boolean } => {
  const periods = PRICE_TABLE[model]
  const period = periods?.find((p) => (p.from === null || p.from <= day) && (p.until === null || day <= p.until))
  return period === undefined ? { price: FALLBACK_PRICE, priced: false } : { price: period, priced: true }
}

/** Token counts of one call as `usageMetadata` reports them (output = answer + thinking; `imageOutputTokens` part of the answer). */
export interface BilledTokens {
  readonly promptTokens: number
  readonly outputTokens: number
  readonly thoughtsTokens: number
  readonly imageOutputTokens: number
}

/**
 * Estimated cost in USD of one call of `model` on `day`: prompt x input + (answer - image tokens +
 * thinking) x output + image tokens x imageOutput (per 1M tokens).
 */
export const costUsd = (model: string, tokens: BilledTokens, day: string): number => {
  const { price } = priceOf(model, day)
  const image = Math.min(tokens.imageOutputTokens, tokens.outputTokens)
  return (tokens.promptTokens * price.input + (tokens.outputTokens - image + tokens.thoughtsTokens) * price.output + image * (price.imageOutput ?? price.output)) / 1_000_000
}

/** How estimates are shown ("$0.0123"): the contracts' formatter, shared with the web app. */
export { formatUsd } from "@curator/contracts"
