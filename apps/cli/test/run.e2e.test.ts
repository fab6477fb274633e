/**
 * `curator run` end to end, as a person runs it: the CLI is bundled with the
 * same script `npm start` uses and started in a fresh Node process on the
 * real fixture folder (20 files: 16 good, 4 truncated) and on the generated
 * sample trip. Asserts on the artifacts it writes and on its exit code: the
 * selection report, and for the whole flow (the default `--steps posts`) the
 * enhanced files, posts.json, posts.jpg and every ZIP opened with yauzl
 * (entries in carousel order; GPS gone from exported JPEGs unless `--keep-gps`).
 */
import { spawn, spawnSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { pathToFileURL } from "node:url"
import { startGeminiStandIn, type StandInReply } from "@curator/ai/gemini-testing"
import exifr from "exifr"
import sharp from "sharp"
import { beforeAll, describe, expect, it } from "vitest"
import yauzl from "yauzl"
import { cliEnv, runCliProcess, worldWritableDir } from "./cliProcess.js"

const root = path.resolve(import.meta.dirname, "../../..")
const fixtures = path.resolve(root, "../shared/fixtures/media")
const cli = path.join(root, "dist/test/cli/main.mjs")

interface SelectionJson {
  readonly counts: Record<string, number>
  readonly selected: ReadonlyArray<{ readonly fileName: string; readonly rank: number; readonly scene: string; readonly justification: string }>
  readonly excluded: ReadonlyArray<{
    readonly fileName: string
    readonly category: string
    readonly reason: string
    readonly duplicateOf: { readonly fileName: string } | null
    readonly error: { readonly tag: string; readonly message: string } | null
  }>
}

interface PostsJson {
  readonly keepGps: boolean
  readonly bundleBytes: number
  readonly posts: ReadonlyArray<{
    readonly number: number
    readonly label: string
    readonly items: ReadonlyArray<{ readonly fileName: string; readonly entryName: string | null; readonly source: "enhanced" | "original"; readonly enhancedFile: string | null }>
    readonly caption: string | null
    readonly hashtags: ReadonlyArray<string>
    readonly locationTag: string | null
    readonly model: string | null
    readonly bundles: ReadonlyArray<{ readonly file: string; readonly bytes: number; readonly entries: ReadonlyArray<string> }>
  }>
}

/** Every entry of a ZIP (central-directory order): name, bytes, compression method (yauzl; rejects on a malformed archive). */
const readZip = (file: string): Promise<Array<{ name: string; bytes: Buffer; method: number }>> =>
  new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) => {
      if (err || zip === undefined) return reject(err ?? new Error("no zip"))
      const entries: Array<{ name: string; bytes: Buffer; method: number }> = []
      zip.on("error", reject)
      zip.on("end", () => resolve(entries))
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || stream === undefined) return reject(e ?? new Error("no stream"))
          const chunks: Array<Buffer> = []
          stream.on("data", (c: Buffer) => chunks.push(c))
          stream.on("error", reject)
          stream.on("end", () => {
            entries.push({ name: entry.fileName, bytes: Buffer.concat(chunks), method: entry.compressionMethod })
            zip.readEntry()
          })
        })
      })
      zip.readEntry()
    })
  })

/** The base name of a file without its extension. */
const stem = (fileName: string): string => path.basename(fileName).replace(/\.[^.]+$/, "")

/** GPS latitude of a JPEG's EXIF, undefined when it has none. */
const latitude = async (bytes: Uint8Array | string): Promise<number | undefined> => (await exifr.gps(bytes).catch(() => undefined))?.latitude

/** True when ffprobe reads a video stream from the file. */
const probesAsVideo = (file: string): boolean => {
  const r = spawnSync("/usr/bin/ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_type", "-of", "csv=p=0", file], { encoding: "utf8" })
  return r.status === 0 && r.stdout.trim() === "video"
}

/**
 * Checks the whole-flow outputs in `out` against the selection: an enhanced
 * file per kept item (decodable), posts.json (<= 20 items per post, every
 * kept item in exactly one post, non-empty captions), each ZIP (entries in
 * carousel order, stored, GPS stripped from JPEGs unless `keepGps`), posts.jpg
 * and the report's posts section. Returns posts.json.
 */
const checkWholeFlow = async (out: string, sel: SelectionJson, keepGps: boolean): Promise<PostsJson> => {
  const kept = sel.selected.map((s) => s.fileName)
  expect(kept.length).toBeGreaterThan(0)
  // enhanced/: one file per kept item, named after the original's base name, decodable
  const enhanced = fs.readdirSync(path.join(out, "enhanced")).sort()
  expect(enhanced.map(stem).sort()).toEqual(kept.map(stem).sort())
  for (const f of enhanced) {
    const file = path.join(out, "enhanced", f)
    if (/\.(mp4|mov|webm)$/.test(f)) expect(probesAsVideo(file), f).toBe(true)
    else expect((await sharp(file).metadata()).width, f).toBeGreaterThan(0)
  }
  const posts = JSON.parse(fs.readFileSync(path.join(out, "posts.json"), "utf8")) as PostsJson
  expect(posts.keepGps).toBe(keepGps)
  expect(posts.posts.length).toBeGreaterThan(0)
  const inPosts = posts.posts.flatMap((p) => p.items.map((i) => i.fileName))
  expect([...inPosts].sort()).toEqual([...kept].sort())
  for (const post of posts.posts) {
    expect(post.items.length).toBeGreaterThan(0)
    expect(post.items.length).toBeLessThanOrEqual(20)
    expect(post.caption?.trim().length ?? 0).toBeGreaterThan(0)
    for (const item of post.items) {
      expect(item.source).toBe("enhanced")
      expect(fs.existsSync(path.join(out, item.enhancedFile!))).toBe(true)
    }
    // the post's ZIPs: entries NN-<base name>.<ext> in carousel order, stored
    expect(post.bundles.length).toBeGreaterThan(0)
    const entries: Array<string> = []
    for (const bundle of post.bundles) {
      const file = path.join(out, bundle.file)
      expect(fs.statSync(file).size).toBe(bundle.bytes)
      const zip = await readZip(file)
      expect(zip.map((e) => e.name)).toEqual(bundle.entries)
      expect(zip.every((e) => e.method === 0)).toBe(true)
      for (const entry of zip) {
        entries.push(entry.name)
        if (!/\.jpe?g$/.test(entry.name)) continue
        const original = post.items.find((i) => i.entryName === entry.name)!.fileName
        if (keepGps && (await latitude(path.join(fixturesOrSample(out), original))) !== undefined) {
          expect(await latitude(entry.bytes), `${entry.name} should keep its GPS`).toBeTypeOf("number")
        } else if (!keepGps) {
          expect(await latitude(entry.bytes), `${entry.name} should have no GPS`).toBeUndefined()
        }
      }
    }
    expect(entries).toEqual(post.items.map((i) => i.entryName))
    // Entry names are safe: characters outside [A-Za-z0-9._-] become "_" ("IMG_2201 copy.jpg" -> "02-IMG_2201_copy.jpg").
    const safe = (name: string) => name.normalize("NFC").replace(/[^A-Za-z0-9._-]/g, "_")
    expect(entries.map((e) => e.replace(/\.[a-z0-9]+$/, ""))).toEqual(post.items.map((i, k) => `${String(k + 1).padStart(2, "0")}-${safe(stem(i.fileName))}`))
  }
  const sheet = await sharp(path.join(out, "posts.jpg")).metadata()
  expect(sheet.format).toBe("jpeg")
  const html = fs.readFileSync(path.join(out, "report.html"), "utf8")
  expect(html).toContain("<h2>Posts</h2>")
  for (const bundle of posts.posts.flatMap((p) => p.bundles)) expect(html).toContain(`href="${bundle.file}"`)
  return posts
}

/** Where the originals of a run's output folder are: the sample trip inside it, else the fixtures. */
const fixturesOrSample = (out: string): string => (fs.existsSync(path.join(out, "sample-trip")) ? path.join(out, "sample-trip") : fixtures)

const runCli = (args: ReadonlyArray<string>) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", timeout: 240_000, env: cliEnv() })

/** Like runCli, but without blocking the event loop (the Gemini stand-in runs in this process). */
const runCliAsync = (args: ReadonlyArray<string>, env: Record<string, string>) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: cliEnv(env) })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()))
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
    child.on("error", reject)
    child.on("close", (status) => resolve({ status, stdout, stderr }))
  })

beforeAll(async () => {
  // The same build script `npm start` runs (a workspace script, loaded by path).
  const { bundle } = (await import(pathToFileURL(path.join(root, "tools/scripts/bundle.mjs")).href)) as {
    bundle: (entry: string, out: string) => Promise<unknown>
  }
  await bundle(path.join(root, "apps/cli/src/main.ts"), cli)
}, 60_000)

/** A served model other than the default (the override of CURATOR_GEMINI_MODEL_SELECTION is read). */
const SELECTION_MODEL = "gemini-3.6-flash"

/** The parts of a generateContent body the responder looks at. */
interface GeminiBody {
  readonly generationConfig?: { readonly imageConfig?: unknown; readonly responseJsonSchema?: { readonly properties?: Record<string, unknown> } }
}

/**
 * Answers the Gemini calls after the (scripted) selection, by the response
 * schema asked for: the image model's edit, the edit review, a video's
 * parameters, a caption.
 */
const geminiResponder = ({ body }: { readonly body: unknown }): StandInReply | undefined => {
  const b = body as GeminiBody
  if (b.generationConfig?.imageConfig !== undefined) return { image: { gains: [1.1, 1, 0.9] } }
  const properties = b.generationConfig?.responseJsonSchema?.properties ?? {}
  const json = (v: unknown): StandInReply => ({ text: JSON.stringify(v) })
  if ("professionalScore" in properties) return json({ overallAssessment: "Warm and natural.", remainingImprovements: [], professionalScore: 9 })
  if ("brightness" in properties) {
    return json({ brightness: 0.02, contrast: 1.05, saturation: 1.1, gamma: 1.05, warmth: 0.05, denoise: 0, stabilise: false, sharpen: 0.3, reason: "Slightly flat." })
  }
  if ("hashtags" in properties) return json({ caption: "Gemini: a bright start to the trip.", hashtags: ["GeminiTrip", "FirstDay"], locationTag: null })
  return undefined
}

describe("curator run", () => {
  it("accounts for all 20 fixture files: 16 processed, the 4 truncated reported as corrupt; then enhances, posts, captions and bundles the picks; exit 0", async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "curator-e2e-"))
    const out = path.join(work, "out")
    // --max 6 keeps the whole flow short on 2 cores; the selection still accounts for every file.
    const r = runCli(["run", fixtures, "--out", out, "--data", path.join(work, "data"), "--max", "6"])
    expect(r.status, r.stderr + r.stdout).toBe(0)
    const sel = JSON.parse(fs.readFileSync(path.join(out, "selection.json"), "utf8")) as SelectionJson
    const inputs = fs.readdirSync(fixtures).filter((f) => !f.endsWith(".md"))
    expect(inputs).toHaveLength(20)
    const names = [...sel.selected.map((s) => s.fileName), ...sel.excluded.map((e) => e.fileName)]
    expect(names.sort()).toEqual([...inputs].sort())
    const unprocessable = sel.excluded.filter((e) => e.category === "unprocessable")
    expect(unprocessable.map((e) => e.fileName).sort()).toEqual(inputs.filter((f) => f.startsWith("truncated-")).sort())
    for (const e of unprocessable) {
      expect(e.error?.tag).toBe("CorruptMediaError")
      expect(e.reason.length).toBeGreaterThan(10)
    }
    for (const s of sel.selected) expect(s.justification.length).toBeGreaterThan(10)
    expect(r.stdout).toMatch(/Selected \d+ of 20 files/)

    const posts = await checkWholeFlow(out, sel, false)
    // at least one exported JPEG had GPS to strip (the fixtures' GPS cameras)
    const gpsJpegs = posts.posts.flatMap((p) => p.items).filter((i) => /\.jpe?g$/i.test(i.entryName ?? ""))
    const withGps = await Promise.all(gpsJpegs.map((i) => latitude(path.join(fixtures, i.fileName))))
    expect(withGps.some((lat) => lat !== undefined)).toBe(true)
    expect(posts.posts.every((p) => p.model === "offline")).toBe(true)
    expect(r.stdout).toContain(`Enhanced ${sel.selected.length} of ${sel.selected.length} kept items.`)
    expect(r.stdout).toMatch(new RegExp(`Posts ${posts.posts.length} \\(captions: offline\\)`))
    expect(r.stdout).toMatch(/Bundles \d+ \([\d.]+ MB in all; GPS stripped; at most 375 MiB each\)/)
    expect(r.stdout).toContain(path.join(out, "posts.json"))
    fs.rmSync(work, { recursive: true, force: true })
  }, 400_000)

  it("keeps GPS in the bundled files with --keep-gps (and --bundle-mb sets the ZIP limit)", async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "curator-gps-"))
    const out = path.join(work, "out")
    const r = runCli(["run", fixtures, "--out", out, "--data", path.join(work, "data"), "--max", "3", "--keep-gps", "--bundle-mb", "2"])
    expect(r.status, r.stderr + r.stdout).toBe(0)
    const sel = JSON.parse(fs.readFileSync(path.join(out, "selection.json"), "utf8")) as SelectionJson
    const posts = await checkWholeFlow(out, sel, true)
    expect(posts.bundleBytes).toBe(2 * 1024 * 1024)
    // the check above asserted GPS on every JPEG whose original has it; make sure there was one
    const items = posts.posts.flatMap((p) => p.items).filter((i) => /\.jpe?g$/i.test(i.entryName ?? ""))
    const originals = await Promise.all(items.map((i) => latitude(path.join(fixtures, i.fileName))))
    expect(originals.some((lat) => lat !== undefined)).toBe(true)
    expect(r.stdout).toContain("GPS kept; at most 2 MiB each")
    fs.rmSync(work, { recursive: true, force: true })
  }, 300_000)

  it("runs on the generated sample trip: one pick per burst, the duplicate and the corrupt file explained, a contact sheet (--steps select: nothing more)", async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "curator-sample-"))
    const out = path.join(work, "out")
    const r = runCli(["run", "--sample", "--out", out, "--data", path.join(work, "data"), "--max", "6", "--steps", "select"])
    expect(r.status, r.stderr + r.stdout).toBe(0)
    const sel = JSON.parse(fs.readFileSync(path.join(out, "selection.json"), "utf8")) as SelectionJson
    expect(sel.selected.length).toBeLessThanOrEqual(6)
    const burst = ["IMG_2001.jpg", "IMG_2002.jpg", "IMG_2003.jpg"]
    expect(sel.selected.filter((s) => burst.includes(s.fileName))).toHaveLength(1)
    const copy = sel.excluded.find((e) => e.fileName === "IMG_2201 copy.jpg" || e.fileName === "IMG_2201.jpg")
    expect(copy?.category).toBe("near-duplicate")
    expect(sel.excluded.find((e) => e.fileName === "IMG_2104.jpg")?.category).toBe("unprocessable")
    expect(new Set(sel.selected.map((s) => s.scene)).size).toBeGreaterThanOrEqual(3)
    const sheet = await sharp(path.join(out, "contact-sheet-01.jpg")).metadata()
    expect(sheet.format).toBe("jpeg")
    expect(fs.readFileSync(path.join(out, "report.html"), "utf8")).toContain("IMG_2104.jpg")
    // --steps select stops after the selection: no enhancement, posts or bundles
    for (const f of ["enhanced", "posts.json", "posts.jpg", "bundles"]) expect(fs.existsSync(path.join(out, f)), f).toBe(false)
    expect(r.stdout).not.toContain("Enhancing")
    fs.rmSync(work, { recursive: true, force: true })
  }, 300_000)

  it("with GEMINI_API_KEY set, selects, edits and captions through the SDK (pointed at the local Gemini stand-in) and writes the same artifacts", async () => {
    const standIn = await startGeminiStandIn({ respond: geminiResponder })
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "curator-gemini-"))
    const out = path.join(work, "out")
    try {
      standIn.script({
        text: JSON.stringify({
          scenes: [{ name: "Start of the trip", items: [0, 1] }],
          selected: [
            { index: 1, scene: "Start of the trip", justification: "Gemini: the clearest view of the day.", comparisonNote: "Sharper than item 0." },
            { index: 0, scene: "Start of the trip", justification: "Gemini: a good opener.", comparisonNote: "Only one of its kind." }
          ],
          excluded: []
        })
      })
      const r = await runCliAsync(["run", "--sample", "--out", out, "--data", path.join(work, "data"), "--max", "6"], {
        GEMINI_API_KEY: "e2e-key",
        CURATOR_GEMINI_BASE_URL: standIn.baseUrl,
        CURATOR_GEMINI_MODEL_SELECTION: SELECTION_MODEL,
        // Previews through the Files API (the sample's are small enough to go inline otherwise).
        CURATOR_GEMINI_INLINE_VIDEO_BYTES: "1000"
      })
      expect(r.status, r.stderr + r.stdout).toBe(0)
      expect(r.stdout).toContain(`Gemini: selection ${SELECTION_MODEL}, photo edits gemini-nano-banana-2.1`)
      // Every configured model was checked with models.get at start-up.
      expect(standIn.requests.filter((q) => q.method === "GET" && /^\/v1beta\/models\//.test(q.path)).map((q) => q.path).sort()).toEqual(
        [`/v1beta/models/${SELECTION_MODEL}`, "/v1beta/models/gemini-3.8-flash", "/v1beta/models/gemini-nano-banana-2.1"].sort()
      )
      expect(standIn.rejections).toEqual([])
      // the whole flow wrote the same artifact set as offline, with Gemini's edits and captions
      const selected = JSON.parse(fs.readFileSync(path.join(out, "selection.json"), "utf8")) as SelectionJson
      const posts = await checkWholeFlow(out, selected, false)
      expect(posts.posts.map((p) => p.label)).toEqual(["Start of the trip"])
      for (const p of posts.posts) {
        expect(p.model).toBe("gemini-3.8-flash")
        expect(p.caption).toBe("Gemini: a bright start to the trip.")
        expect(p.hashtags).toEqual(["GeminiTrip", "FirstDay"])
      }
      const bodies = standIn.generateRequests().map((q) => q.json as GeminiBody)
      const schemaHas = (b: GeminiBody, key: string) => key in (b.generationConfig?.responseJsonSchema?.properties ?? {})
      expect(bodies.filter((b) => schemaHas(b, "selected"))).toHaveLength(1)
      expect(bodies.filter((b) => schemaHas(b, "hashtags"))).toHaveLength(1)
      // every kept photo went through the image model (the sample's picks here are photos)
      expect(bodies.filter((b) => b.generationConfig?.imageConfig !== undefined).length).toBeGreaterThanOrEqual(1)
      expect(r.stdout).toMatch(new RegExp(`scenes? \\(Gemini selection, ${SELECTION_MODEL}\\)`))
      const sel = JSON.parse(fs.readFileSync(path.join(out, "selection.json"), "utf8")) as SelectionJson
      expect(sel.selected.map((s) => s.justification)).toEqual(["Gemini: the clearest view of the day.", "Gemini: a good opener."])
      const inputs = fs.readdirSync(path.join(out, "sample-trip"))
      expect([...sel.selected.map((s) => s.fileName), ...sel.excluded.map((e) => e.fileName)].sort()).toEqual([...inputs].sort())
      expect(sel.excluded.find((e) => e.fileName === "IMG_2104.jpg")?.category).toBe("unprocessable")
      expect((await sharp(path.join(out, "contact-sheet-01.jpg")).metadata()).format).toBe("jpeg")
      const [request] = standIn.generateRequests()
      expect(request!.path).toBe(`/v1beta/models/${SELECTION_MODEL}:generateContent`)
      expect(request!.headers["x-goog-api-key"]).toBe("e2e-key")
      const body = request!.json as { contents: Array<{ parts: Array<{ inlineData?: { mimeType: string } }> }> }
      const images = body.contents[0]!.parts.filter((p) => p.inlineData?.mimeType === "image/jpeg")
      // every processed file sends at least its thumbnail: not the corrupt one, nor the exact copy, which the
      // selection task folds out before any model and excludes as a duplicate of its original
      expect(images.length).toBeGreaterThanOrEqual(inputs.length - 2)
      expect(sel.excluded.find((e) => e.fileName === "IMG_2201 copy.jpg")).toMatchObject({ category: "near-duplicate", reason: "Exact duplicate of IMG_2201.jpg: same content hash" })
      // the sample's video goes as its H.264/AAC MP4 preview through the Files API, by fileUri
      // (a second upload of the same kind happens when the video is among the picks: its enhancement
      // round sends the preview to the video analysis — which items the scripted indices name depends
      // on the order the files were ingested in)
      const uploaded = [...standIn.files.values()]
      expect(uploaded.length).toBeGreaterThanOrEqual(1)
      expect(uploaded.every((f) => f.mimeType === "video/mp4" && f.outcome === "ACTIVE")).toBe(true)
      const fileParts = (body.contents[0]!.parts as Array<{ fileData?: { fileUri: string } }>).filter((p) => p.fileData !== undefined)
      expect(fileParts).toHaveLength(1)
      expect(uploaded.map((f) => f.uri)).toContain(fileParts[0]!.fileData!.fileUri)
      expect(r.stdout).toMatch(/Gemini used by the selection: [\d,]+ tokens, about \$0\.\d{4} \(estimate\)/)
      expect(r.stdout).toMatch(/Gemini for the whole session: [\d,]+ tokens, about \$0\.\d{4} \(estimate\)/)
    } finally {
      await standIn.close()
      fs.rmSync(work, { recursive: true, force: true })
    }
  }, 300_000)

  it("refuses to start with a retired Gemini model: a ConfigError naming the model and its variable, before any work", async () => {
    const standIn = await startGeminiStandIn()
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "curator-retired-"))
    try {
      const r = await runCliAsync(["run", "--sample", "--out", path.join(work, "out"), "--data", path.join(work, "data")], {
        GEMINI_API_KEY: "e2e-key",
        CURATOR_GEMINI_BASE_URL: standIn.baseUrl,
        CURATOR_GEMINI_MODEL_PHOTO_EDIT: "gemini-2.5-flash-image"
      })
      expect(r.status).not.toBe(0)
      expect(r.stdout + r.stderr).toContain("gemini-2.5-flash-image (CURATOR_GEMINI_MODEL_PHOTO_EDIT) is unknown or no longer served")
      expect(standIn.generateRequests()).toHaveLength(0)
      expect(fs.existsSync(path.join(work, "out", "selection.json"))).toBe(false)
    } finally {
      await standIn.close()
      fs.rmSync(work, { recursive: true, force: true })
    }
  }, 120_000)

  it("says 'offline selection' without a key", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "curator-offline-"))
    fs.mkdirSync(path.join(work, "in"))
    fs.copyFileSync(path.join(fixtures, "jpeg-canon-s40-exif-stripped.jpg"), path.join(work, "in", "one.jpg"))
    const env = cliEnv()
    delete env["GEMINI_API_KEY"]
    const r = spawnSync(process.execPath, [cli, "run", path.join(work, "in"), "--out", path.join(work, "out"), "--data", path.join(work, "data"), "--steps", "select"], {
      encoding: "utf8",
      timeout: 120_000,
      env
    })
    expect(r.stdout).toContain("Offline selection (no GEMINI_API_KEY).")
    fs.rmSync(work, { recursive: true, force: true })
  }, 120_000)

  it("refuses a second process on the same data folder", async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "curator-lock-"))
    const data = path.join(work, "data")
    fs.mkdirSync(path.join(work, "in"))
    fs.copyFileSync(path.join(fixtures, "jpeg-canon-s40-exif-stripped.jpg"), path.join(work, "in", "one.jpg"))
    const { default: lockfile } = await import("proper-lockfile")
    fs.mkdirSync(data, { recursive: true })
    const release = await lockfile.lock(data, { realpath: false })
    const r = runCli(["run", path.join(work, "in"), "--out", path.join(work, "out"), "--data", data])
    await release()
    expect(r.status).not.toBe(0)
    expect(r.stderr + r.stdout).toMatch(/Another Curator process/)
    fs.rmSync(work, { recursive: true, force: true })
  }, 60_000)

  it("one unreadable file does not abort the run: it is reported as UnreadableFileError, symlinks and an SVG are listed as skipped, selection.json is written (run as an unprivileged user on a mode-000 file)", () => {
    const work = worldWritableDir("curator-unreadable-")
    try {
      const folder = path.join(work, "in")
      fs.mkdirSync(path.join(folder, "day2"), { recursive: true })
      fs.copyFileSync(path.join(fixtures, "jpeg-nikon-coolpix-p6000-gps.jpg"), path.join(folder, "a.jpg"))
      fs.copyFileSync(path.join(fixtures, "webp-htc-desire-gps.webp"), path.join(folder, "day2", "b.webp"))
      fs.copyFileSync(path.join(fixtures, "jpeg-canon-s40-exif-stripped.jpg"), path.join(folder, "locked.jpg"))
      fs.writeFileSync(path.join(folder, "chart.svg"), `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`)
      fs.symlinkSync(path.join(folder, "a.jpg"), path.join(folder, "link.jpg"))
      fs.symlinkSync(path.join(folder, "day2"), path.join(folder, "day2-link"))
      for (const f of ["a.jpg", "day2/b.webp", "chart.svg"]) fs.chmodSync(path.join(folder, f), 0o644)
      fs.chmodSync(path.join(folder, "locked.jpg"), 0o000)
      const out = path.join(work, "out")
      const r = runCliProcess(cli, ["run", folder, "--out", out, "--data", path.join(work, "data"), "--steps", "select"], { unprivileged: true })
      expect(r.status, r.stderr + r.stdout).toBe(0)
      const sel = JSON.parse(fs.readFileSync(path.join(out, "selection.json"), "utf8")) as SelectionJson & {
        readonly skipped: ReadonlyArray<{ readonly fileName: string; readonly status: string; readonly reason: string }>
      }
      expect(sel.selected.map((s) => s.fileName).sort()).toEqual(["a.jpg", "day2/b.webp"])
      expect(sel.excluded.map((e) => [e.fileName, e.category, e.error?.tag])).toEqual([["locked.jpg", "unprocessable", "UnreadableFileError"]])
      expect(sel.excluded[0]?.reason).toMatch(/permission denied \(EACCES\)/)
      expect(sel.skipped.map((s) => [s.fileName, s.status])).toEqual([
        ["chart.svg", "skipped: unsupported type"],
        ["day2-link", "skipped: symlink"],
        ["link.jpg", "skipped: symlink"]
      ])
      expect([sel.counts["files"], sel.counts["skipped"], sel.counts["unprocessable"]]).toEqual([3, 3, 1])
      const html = fs.readFileSync(path.join(out, "report.html"), "utf8")
      for (const text of ["locked.jpg", "UnreadableFileError", "link.jpg", "skipped: symlink", "chart.svg", "skipped: unsupported type"]) expect(html).toContain(text)
      expect(r.stdout).toMatch(/locked\.jpg: unprocessable — .*\(UnreadableFileError\)/)
      expect(r.stdout).toContain("link.jpg: skipped: symlink")
    } finally {
      fs.rmSync(work, { recursive: true, force: true })
    }
  }, 300_000)

  it("stack traces on user errors: a missing path and an empty folder print one clear line and exit 1", () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "curator-user-error-"))
    try {
      fs.mkdirSync(path.join(work, "empty"))
      for (const [folder, message] of [
        [path.join(work, "nope"), `curator: No such folder: ${path.join(work, "nope")}`],
        [path.join(work, "empty"), `curator: No photos or videos in ${path.join(work, "empty")}: the folder is empty`]
      ] as const) {
        const r = runCli(["run", folder, "--out", path.join(work, "out"), "--data", path.join(work, "data")])
        expect(r.status).toBe(1)
        expect(r.stderr.trim()).toBe(message)
        expect(r.stdout).not.toMatch(/\bat .*\.mjs:\d+/)
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true })
    }
  }, 120_000)
})
