/**
 * Smoke test of the artifacts that go into the images (issue 5): each Lambda
 * bundle (dist/apps/<app>/lambda.mjs, built by the `bundle` targets this
 * project's `test` depends on) loads in a fresh Node process from a task root
 * holding only sharp, and serves sample events against s3rver + dynalite —
 * the SelectionPipeline's two tasks, then the EnhancementPipeline's two, on
 * fixture media, checked in the stand-ins afterwards. Also: no bundle
 * contains local-only code, and nothing but sharp and Node built-ins is left
 * external.
 */
import { readFileSync } from "node:fs"
import fs from "node:fs/promises"
import { builtinModules } from "node:module"
import path from "node:path"
import { BlobKeys, VIDEO_FRAME_COUNT } from "@curator/contracts"
import { BlobStore, PostStore, SessionStore } from "@curator/store"
import exifr from "exifr"
import { Effect } from "effect"
import sharp from "sharp"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import yauzl from "yauzl"
import { forbiddenInputs, LAMBDA_EXTERNALS, OPTIONAL_EXTERNALS } from "../scripts/bundle-lambda.mjs"
import { bundlePath, makeTaskRoot, runTask } from "./lambdaTask.js"
import { type StandIns, startSsmStandIn, startStandIns } from "./standIns.js"
import { startSfnStandIn } from "@curator/orchestration/sfn-testing"

const root = path.resolve(import.meta.dirname, "../..")
const fixtures = path.resolve(root, "../shared/fixtures/media")
const WORKERS = ["thumbnail-worker", "selection-worker", "enhancement-worker", "video-worker"] as const
/** The ExifTool script, by path as the heavy image provides it (docker/Dockerfile.heavy: MEDIA_EXIFTOOL_PATH); the task root has no exiftool-vendored.pl. */
const EXIFTOOL_SCRIPT = path.join(root, "node_modules/exiftool-vendored.pl/bin/exiftool")
const APPS = [...WORKERS, "api"]

interface Metafile {
  readonly inputs: Record<string, unknown>
  readonly outputs: Record<string, { readonly imports: ReadonlyArray<{ readonly path: string; readonly external?: boolean }> }>
}
const metafileOf = (app: string): Metafile => JSON.parse(readFileSync(bundlePath(app).replace(/\.mjs$/, ".meta.json"), "utf8"))

let standIns: StandIns
const taskRoots: Array<string> = []
const expiresAt = Math.floor(Date.now() / 1000) + 3600
const run = <A, E>(effect: Effect.Effect<A, E, BlobStore | SessionStore>) => standIns.runtime.runPromise(effect)

/**
 * Runs `app`'s bundle in a fresh process on `events`. Every worker gets the ExifTool script by path
 * as in its image (docker/Dockerfile.heavy): metadata is read by ExifTool, and the enhanced MP4 gets
 * the source's capture tags.
 */
const invoke = async (app: string, events: ReadonlyArray<unknown>) => {
  const taskRoot = await makeTaskRoot(app)
  taskRoots.push(taskRoot)
  return runTask(taskRoot, { ...standIns.env, MEDIA_EXIFTOOL_PATH: EXIFTOOL_SCRIPT }, events)
}

/** Uploads a fixture as the browser would (to its original key) and returns the thumbnail event for it. */
const upload = async (fileName: string, fileId: string) => {
  const key = BlobKeys.original("s1", fileId, path.extname(fileName).slice(1))
  await run(BlobStore.use((b) => b.putFile(key, path.join(fixtures, fileName), "application/octet-stream")))
  return { sessionId: "s1", jobId: "j1", expiresAt, fileId, key, fileName }
}

beforeAll(async () => {
  standIns = await startStandIns()
}, 60_000)

afterAll(async () => {
  await standIns?.close()
  await Promise.all(taskRoots.map((dir) => fs.rm(dir, { recursive: true, force: true })))
})

describe.each(APPS)("%s bundle", (app) => {
  it("holds no local-only code and leaves only sharp and Node built-ins external", () => {
    const metafile = metafileOf(app)
    expect(forbiddenInputs(metafile)).toEqual([])
    const inputs = Object.keys(metafile.inputs)
    expect(inputs.some((i) => i.includes("node_modules/effect/"))).toBe(true) // npm packages are bundled
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]))
    const externals = new Set(Object.values(metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)))
    expect([...externals].filter((p) => !builtins.has(p) && !LAMBDA_EXTERNALS.includes(p) && !OPTIONAL_EXTERNALS.includes(p))).toEqual([])
  })
})

describe("bundled task handlers against s3rver + dynalite", () => {
  it("thumbnail-worker: a JPEG and a MOV -> thumbnails, frames and done item records; a bad event -> InvalidInputError", async () => {
    await run(
      SessionStore.use((s) =>
        s.createSelectionJob("s1", {
          jobId: "j1", status: "running", fileCount: 2, tripContext: "", targetCount: 20, startedAt: "2026-01-01T00:00:00Z",
          finishedAt: null, errorTag: null, errorMessage: null, result: null, expiresAt
        })
      )
    )
    const events = [await upload("jpeg-nikon-coolpix-p6000-gps.jpg", "f1"), await upload("video-apple-iphone6-gps-rot90.mov", "f2"), { sessionId: "s1" }]
    const { outcomes } = await invoke("thumbnail-worker", events)
    expect(outcomes).toEqual([
      { ok: true, value: { fileId: "f1", thumbnailKey: "s1/thumb/f1.jpg" } },
      { ok: true, value: { fileId: "f2", thumbnailKey: "s1/thumb/f2.jpg" } },
      { ok: false, name: "InvalidInputError", message: expect.stringContaining("invalid task event") }
    ])
    const thumb = await sharp(await run(BlobStore.use((b) => b.get("s1/thumb/f1.jpg")))).metadata()
    expect([thumb.format, Math.max(thumb.width ?? 0, thumb.height ?? 0)]).toEqual(["jpeg", 400])
    for (let i = 0; i < VIDEO_FRAME_COUNT; i++) expect((await run(BlobStore.use((b) => b.head(BlobKeys.frame("s1", "f2", i))))).bytes).toBeGreaterThan(0)
    const records = await run(SessionStore.use((s) => s.listSelectionItems("s1", "j1")))
    expect(records.map((r) => [r.fileId, r.status]).sort()).toEqual([["f1", "done"], ["f2", "done"]])
    expect(records.find((r) => r.fileId === "f1")?.item?.make).toMatch(/nikon/i)
  }, 180_000)

  it("selection-worker: the job's done items -> a selection recorded on the job", async () => {
    const { outcomes } = await invoke("selection-worker", [{ sessionId: "s1", jobId: "j1", expiresAt, tripContext: "", targetCount: 20 }])
    expect(outcomes).toEqual([{ ok: true, value: expect.objectContaining({ jobId: "j1", selectedCount: expect.any(Number), failedCount: 0 }) }])
    const job = await run(SessionStore.use((s) => s.getSelectionJob("s1", "j1")))
    expect(job.status).toBe("complete")
    expect(job.result?.selected.length).toBe((outcomes[0] as { value: { selectedCount: number } }).value.selectedCount)
  }, 180_000)

  it("enhancement-worker: the JPEG -> an enhanced photo and its round on the item record", async () => {
    const event = { sessionId: "s1", jobId: "e1", expiresAt, fileId: "f1", key: BlobKeys.original("s1", "f1", "jpg"), fileName: "f1.jpg", feedback: null, round: 0 }
    const { outcomes } = await invoke("enhancement-worker", [event])
    expect(outcomes).toEqual([{ ok: true, value: { fileId: "f1", round: 0, outputKey: "s1/enhanced/f1.jpg" } }])
    const out = await sharp(await run(BlobStore.use((b) => b.get("s1/enhanced/f1.jpg")))).metadata()
    expect([out.format, out.width, out.height]).toEqual(["jpeg", 640, 480])
    const record = await run(SessionStore.use((s) => s.getEnhancementItem("s1", "e1", "f1")))
    expect(record?.rounds.map((r) => r.round)).toEqual([0])
  }, 180_000)

  it("video-worker: the MOV -> an enhanced MP4 and a preview, its round on the item record", async () => {
    const event = { sessionId: "s1", jobId: "e1", expiresAt, fileId: "f2", key: BlobKeys.original("s1", "f2", "mov"), fileName: "f2.mov", feedback: null, round: 0 }
    const { outcomes } = await invoke("video-worker", [event])
    expect(outcomes).toEqual([{ ok: true, value: { fileId: "f2", round: 0, outputKey: "s1/enhanced/f2.mp4", previewKey: "s1/enhanced/f2.preview.mp4" } }])
    expect((await run(BlobStore.use((b) => b.head("s1/enhanced/f2.mp4")))).bytes).toBeGreaterThan(10_000)
    const record = await run(SessionStore.use((s) => s.getEnhancementItem("s1", "e1", "f2")))
    expect(record?.rounds.map((r) => r.round)).toEqual([0])
  }, 240_000)

  it("video-worker bundleHandler: a post's JPEG -> a ZIP in S3 without GPS, the post done; the ExifTool script comes from MEDIA_EXIFTOOL_PATH", async () => {
    const { key } = await upload("jpeg-nikon-coolpix-p6000-gps.jpg", "b1")
    const entry = { fileId: "b1", key, entryName: "01-nikon.jpg", kind: "photo", bytes: 161_713 } as const
    const post = (postId: string) => ({ postId, index: 0, label: "Smoke", status: "pending", entries: [entry], bundles: [], errorTag: null, errorMessage: null, expiresAt }) as const
    await standIns.runtime.runPromise(
      PostStore.use((p) =>
        p.createDownloadJob("s1", {
          jobId: "d1", status: "running", keepGps: false, bundleBytes: 1024 * 1024, generation: 0, postRevisions: { p1: 0, p2: 0 },
          startedAt: "2026-01-01T00:00:00Z", finishedAt: null, errorTag: null, errorMessage: null, expiresAt
        }, [post("p1"), post("p2")])
      )
    )
    const event = (postId: string) => ({ sessionId: "s1", jobId: "d1", expiresAt, keepGps: false, bundleBytes: 1024 * 1024, postId })
    const taskRoot = await makeTaskRoot("video-worker")
    taskRoots.push(taskRoot)
    // As in the image (docker/Dockerfile.heavy): the script by path; the task root has no node_modules/exiftool-vendored.pl.
    const { outcomes } = await runTask(taskRoot, { ...standIns.env, MEDIA_EXIFTOOL_PATH: EXIFTOOL_SCRIPT }, [event("p1")], "bundleHandler")
    expect(outcomes).toEqual([{ ok: true, value: { postId: "p1", bundles: [{ name: "01-smoke", bytes: expect.any(Number), entries: ["01-nikon.jpg"] }] } }])
    const zip = Buffer.from(await run(BlobStore.use((b) => b.get(BlobKeys.bundle("s1", "d1", "01-smoke")))))
    const jpeg = await new Promise<Buffer>((resolve, reject) =>
      yauzl.fromBuffer(zip, { lazyEntries: false }, (error, file) => {
        if (error !== null || file === undefined) return reject(error)
        file.once("entry", (e: yauzl.Entry) => file.openReadStream(e, (err, stream) => {
          if (err !== null || stream === undefined) return reject(err)
          const chunks: Array<Buffer> = []
          stream.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve(Buffer.concat(chunks)))
        }))
      })
    )
    expect((await exifr.gps(path.join(fixtures, "jpeg-nikon-coolpix-p6000-gps.jpg")))?.latitude).toBeCloseTo(43.46745, 3)
    expect(await exifr.gps(jpeg)).toBeUndefined()
    expect((await standIns.runtime.runPromise(PostStore.use((p) => p.getDownloadPost("s1", "d1", "p1")))).status).toBe("done")
    // Without it the bundle finds no script (no node_modules/exiftool-vendored.pl, no `exiftool` on the image's PATH).
    const imagePath = (process.env.PATH ?? "").split(":").filter((dir) => !dir.includes("node_modules")).join(":")
    const without = await runTask(taskRoot, { ...standIns.env, PATH: imagePath }, [event("p2")], "bundleHandler")
    expect(without.outcomes).toEqual([{ ok: false, name: "InternalDefectError", message: expect.stringContaining("MEDIA_EXIFTOOL_PATH") }])
  }, 120_000)

  it("selection-worker captionHandler: a post with a GPS photo -> an offline caption naming its place (the city table ships next to the bundle)", async () => {
    const { item } = await run(SessionStore.use((s) => s.listSelectionItems("s1", "j1"))).then((records) => ({ item: records.find((r) => r.fileId === "f1")?.item }))
    expect(item?.gps).not.toBeNull()
    await standIns.runtime.runPromise(
      SessionStore.use((s) => s.createSession({ sessionId: "s1", createdAt: "2026-01-01T00:00:00Z", expiresAt, generation: 0, tripContext: "A smoke test" })).pipe(Effect.andThen(PostStore.use((p) =>
        p.putPost("s1", { postId: "p1", index: 0, label: "Smoke", fileIds: ["f1"], revision: 0, createdAt: "2026-01-01T00:00:00Z", updatedAt: "2026-01-01T00:00:00Z", expiresAt }, null)
          .pipe(Effect.andThen(p.createCaptionJob("s1", {
            jobId: "c1", postId: "p1", status: "running", rounds: [], pendingFeedback: null, acceptedRound: null, execution: "c1",
            startedAt: "2026-01-01T00:00:00Z", finishedAt: null, errorTag: null, errorMessage: null, expiresAt
          })))
      )))
    )
    const taskRoot = await makeTaskRoot("selection-worker")
    taskRoots.push(taskRoot)
    expect(await fs.readdir(taskRoot)).toContain("cities.pbf")
    const { outcomes } = await runTask(taskRoot, standIns.env, [{ sessionId: "s1", jobId: "c1", postId: "p1", round: 0, feedback: null, expiresAt }], "captionHandler")
    expect(outcomes).toEqual([{ ok: true, value: { jobId: "c1", round: 0 } }])
    const job = await standIns.runtime.runPromise(PostStore.use((p) => p.getCaptionJob("s1", "c1")))
    expect(job.rounds[0]?.model).toBe("offline")
    expect(job.rounds[0]?.draft.locationTag).toMatch(/\S+, \S+/)
  }, 120_000)

  it("a bundle without its environment fails the first invocation with a message naming the variable", async () => {
    const taskRoot = await makeTaskRoot("selection-worker")
    taskRoots.push(taskRoot)
    const { outcomes } = await runTask(taskRoot, { AWS_REGION: "us-east-1" }, [{ sessionId: "s1", jobId: "j1", expiresAt, tripContext: "", targetCount: 1 }])
    expect(outcomes).toEqual([{ ok: false, name: expect.any(String), message: expect.stringContaining("CURATOR_BUCKET") }])
  }, 60_000)

  it("api: GET /api/health through the API Gateway v2 adapter (origin secret from SSM), 403 without it, 401 without a token", async () => {
    const ssm = await startSsmStandIn()
    const selection = "arn:aws:states:us-east-1:123456789012:stateMachine:curator-selection"
    const enhancement = "arn:aws:states:us-east-1:123456789012:stateMachine:curator-enhancement"
    const caption = "arn:aws:states:us-east-1:123456789012:stateMachine:curator-caption"
    const download = "arn:aws:states:us-east-1:123456789012:stateMachine:curator-download"
    const sfn = await startSfnStandIn({ stateMachineArns: [selection, enhancement, caption, download] })
    try {
      ssm.parameters.set("/curator/smoke/origin-verify", "smoke-secret")
      const event = (method: string, rawPath: string, headers: Record<string, string>) => ({
        version: "2.0", routeKey: "$default", rawPath, rawQueryString: "", headers, isBase64Encoded: false,
        requestContext: {
          accountId: "123456789012", apiId: "api1", domainName: "api1.execute-api.us-east-1.amazonaws.com", domainPrefix: "api1",
          http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "203.0.113.1", userAgent: "smoke" },
          requestId: "req-1", routeKey: "$default", stage: "$default", time: "30/Nov/2026:12:00:00 +0000", timeEpoch: 1_800_000_000_000
        }
      })
      const taskRoot = await makeTaskRoot("api")
      taskRoots.push(taskRoot)
      const env = {
        ...standIns.env,
        CURATOR_SELECTION_STATE_MACHINE_ARN: selection,
        CURATOR_ENHANCEMENT_STATE_MACHINE_ARN: enhancement,
        CURATOR_CAPTION_STATE_MACHINE_ARN: caption,
        CURATOR_DOWNLOAD_STATE_MACHINE_ARN: download,
        CURATOR_ORIGIN_VERIFY_PARAMETER: "/curator/smoke/origin-verify",
        CURATOR_COGNITO_USER_POOL_ID: "us-east-1_CuratorS1",
        CURATOR_COGNITO_CLIENT_ID: "curatorsmokeclient00000001",
        CURATOR_SFN_ENDPOINT: sfn.endpoint,
        CURATOR_SSM_ENDPOINT: ssm.endpoint
      }
      const { outcomes } = await runTask(taskRoot, env, [
        event("GET", "/api/health", { "x-origin-verify": "smoke-secret" }),
        event("GET", "/api/health", { "x-origin-verify": "wrong" }),
        event("POST", "/api/sessions", { "x-origin-verify": "smoke-secret" })
      ])
      const statuses = outcomes.map((o) => (o.ok ? (o.value as { statusCode: number }).statusCode : o.name))
      expect(statuses).toEqual([200, 403, 401])
      expect(JSON.parse((outcomes[0] as { value: { body: string } }).value.body)).toEqual({ status: "ok" })
    } finally {
      await sfn.close()
      await ssm.close()
    }
  }, 60_000)
})
