/**
 * The real Gemini smoke test (issue 16), run by `npm run smoke:gemini` (tools/scripts/smoke-gemini.mjs
 * bundles this file and runs it; it is not part of `npm test`). With `GEMINI_API_KEY` set:
 *
 * 1. `models.get` on every configured model (GeminiModels.ts defaults, `CURATOR_GEMINI_MODEL_*`
 *    overrides) — an unknown or retired one stops here with the ConfigError naming its variable;
 * 2. a selection of 2 photos and 1 clip from the fixtures (`../shared/fixtures/media`, or
 *    `SMOKE_FIXTURES`), the clip as its H.264 + AAC MP4 preview;
 * 3. one photo edit with its review (and the second pass when the review scores it under 8.5);
 * 4. one video analysis of the clip's preview;
 * 5. one caption of the two photos;
 *
 * and prints the model of each step, its tokens (thinking included) and its estimated cost from
 * the price table, then the total against the target of $0.10. Every call is metered by an
 * in-memory SessionTokenMeter (the per-session budget applies as in a real session). Exit 0 when
 * every step succeeded, 1 otherwise. `CURATOR_GEMINI_BASE_URL` points it at another endpoint
 * (the strict stand-in, in tools/test/smokeGemini.test.ts).
 */
import path from "node:path"
import { readFile } from "node:fs/promises"
import {
  type CaptionInput,
  Captioner,
  CaptionerGemini,
  checkGeminiModels,
  describeGeminiConfig,
  formatUsd,
  GeminiClient,
  type GeminiConfig,
  geminiConfigFromEnv,
  PhotoEditor,
  PhotoEditorGemini,
  PRICES_SOURCE,
  SelectionModel,
  SelectionModelGemini,
  SessionTokenMeter,
  VideoAnalyzer,
  VideoAnalyzerGemini
} from "@curator/ai"
import type { MediaItem } from "@curator/contracts"
import { AiPreviewEncoder, Media, MediaInspector, PhotoRenderer, ProcessRunner, sniffSync, VideoProbe } from "@curator/media"
import { Effect, Layer, ManagedRuntime } from "effect"

/** The most the smoke run should cost (issue 16). */
const TARGET_USD = 0.1
const fixtures = process.env["SMOKE_FIXTURES"] ?? path.resolve(import.meta.dirname, "../../../shared/fixtures/media")
const PHOTOS = ["jpeg-nikon-coolpix-p6000-gps.jpg", "jpeg-sony-dsc-hx5v-gps.jpg"]
const CLIP = "video-apple-iphone6-gps-rot90.mov"

const configured = geminiConfigFromEnv(process.env)
if (configured === null) {
  console.log("GEMINI_API_KEY is not set: the Gemini smoke test needs a real key, skipped (exit 0).")
  process.exit(0)
}

/** Totals of the run, kept by the in-memory meter. */
const totals = { tokens: 0, costUsd: 0 }
const meter = Layer.succeed(
  SessionTokenMeter,
  SessionTokenMeter.of({
    sessionId: "smoke",
    used: Effect.sync(() => ({ ...totals })),
    charge: (tokens, costUsd) => Effect.sync(() => {
      totals.tokens += tokens
      totals.costUsd += costUsd
    })
  })
)

const run = async (config: GeminiConfig): Promise<boolean> => {
  const ai = Layer.mergeAll(SelectionModelGemini, PhotoEditorGemini, VideoAnalyzerGemini, CaptionerGemini).pipe(Layer.provide(GeminiClient.layer(config)))
  const runtime = ManagedRuntime.make(Layer.mergeAll(ai, Media.layer, meter))
  let ok = true
  /** Runs one step, printing its model, tokens and cost (the meter's delta). */
  const step = async <A>(name: string, model: string, effect: Effect.Effect<A, unknown, never>): Promise<A | null> => {
    const before = { ...totals }
    const exit = await Effect.runPromiseExit(effect)
    const tokens = totals.tokens - before.tokens
    const cost = totals.costUsd - before.costUsd
    if (exit._tag === "Failure") {
      ok = false
      console.log(`  ${name.padEnd(16)} ${model.padEnd(24)} FAILED: ${String(exit.cause)}`)
      return null
    }
    console.log(`  ${name.padEnd(16)} ${model.padEnd(24)} ${tokens.toLocaleString("en-US").padStart(9)} tokens  ${formatUsd(cost)}`)
    return exit.value
  }
  try {
    const services = await runtime.runPromise(Effect.context<SelectionModel | PhotoEditor | VideoAnalyzer | Captioner | MediaInspector | PhotoRenderer | AiPreviewEncoder | VideoProbe | ProcessRunner | SessionTokenMeter>())
    const use = <A, E>(effect: Effect.Effect<A, E, SelectionModel | PhotoEditor | VideoAnalyzer | Captioner | MediaInspector | PhotoRenderer | AiPreviewEncoder | VideoProbe | ProcessRunner | SessionTokenMeter>) =>
      Effect.provide(effect, services)

    // The inputs, made by the same media services the tasks use.
    const inspect = (name: string) =>
      use(Effect.gen(function* () {
        const inspected = yield* (yield* MediaInspector).inspect({ path: path.join(fixtures, name), fileName: name })
        const item: MediaItem = { ...inspected.metadata, fileId: name.replace(/\W+/g, "-"), key: name, fileName: name, bytes: inspected.bytes, contentHash: inspected.contentHash }
        return { item, thumbnail: inspected.thumbnail.jpeg, sniffed: inspected.sniffed }
      }))
    const photos = await Promise.all(PHOTOS.map((name) => Effect.runPromise(inspect(name))))
    const clip = await Effect.runPromise(inspect(CLIP))
    const preview = await Effect.runPromise(use(Effect.scoped(Effect.gen(function* () {
      const dir = yield* (yield* ProcessRunner).tempDir
      const written = yield* (yield* AiPreviewEncoder).video(path.join(fixtures, CLIP), { outDir: dir, name: "preview", metadata: clip.item })
      return { ...written, bytes: new Uint8Array(yield* Effect.promise(() => readFile(written.path))) }
    }))))

    console.log("Steps:")
    await step("selection", config.models.selection, use(SelectionModel.use((m) =>
      m.select({
        tripContext: "Smoke test: two photos and a short clip.",
        targetCount: 2,
        items: [...photos.map((p) => ({ item: p.item, thumbnail: p.thumbnail, frames: [] })), { item: clip.item, thumbnail: clip.thumbnail, frames: [], preview: preview.bytes }]
      })
    )))
    await step("photo edit+review", config.models.photoEdit, use(Effect.gen(function* () {
      const sniffed = sniffSync(new Uint8Array(yield* Effect.promise(() => readFile(path.join(fixtures, PHOTOS[0]!)))).subarray(0, 64))
      if (sniffed === undefined) return yield* Effect.die("the photo fixture is not recognised")
      const image = yield* (yield* PhotoRenderer).aiImage(path.join(fixtures, PHOTOS[0]!), sniffed)
      return yield* PhotoEditor.use((e) => e.edit!({ image: image.bytes, width: image.width, height: image.height, previous: null }))
    })))
    await step("video analysis", config.models.videoAnalysis, use(Effect.gen(function* () {
      const analysis = yield* (yield* VideoProbe).measureSignal(path.join(fixtures, CLIP))
      return yield* VideoAnalyzer.use((a) =>
        a.analyseVideo!({ preview: { bytes: preview.bytes, mimeType: preview.mime, displayName: "smoke.mp4", durationSeconds: preview.durationSeconds }, analysis, previous: null })
      )
    })))
    const caption: CaptionInput = { tripContext: "Smoke test.", label: "Two photos", items: photos.map((p) => ({ item: p.item, scene: "Smoke", thumbnail: p.thumbnail })), history: [], feedback: null }
    await step("caption", config.models.caption, use(Captioner.use((c) => c.write(caption))))
  } finally {
    await runtime.dispose()
  }
  console.log(`Total: ${totals.tokens.toLocaleString("en-US")} tokens, ${formatUsd(totals.costUsd)} estimated (${PRICES_SOURCE}); target under $${TARGET_USD.toFixed(2)}: ${totals.costUsd < TARGET_USD ? "met" : "MISSED"}.`)
  return ok
}

const main = async () => {
  const checked = await Effect.runPromiseExit(checkGeminiModels(configured))
  if (checked._tag === "Failure") {
    console.error(`Model check failed: ${String(checked.cause)}`)
    return false
  }
  const config = checked.value
  console.log(describeGeminiConfig(config))
  console.log("models.get:")
  for (const model of [...new Set(Object.values(config.models))]) {
    console.log(`  ${model.padEnd(24)} input token limit ${config.inputTokenLimits?.[model]?.toLocaleString("en-US") ?? "not reported"}`)
  }
  return run(config)
}

process.exitCode = (await main()) ? 0 : 1
