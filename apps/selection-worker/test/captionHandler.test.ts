/**
 * The caption task as CaptionPipeline calls it in this image: a raw event in,
 * `{jobId, round}` out, the version stored on the job (local stores, offline
 * Captioner); and the Lambda entry `captionHandler`'s cold start against the
 * SSM stand-in: offline without CURATOR_GEMINI_KEY_PARAMETER (SSM never
 * called), the key read once with it, a missing parameter failing clearly.
 * Invalid events are rejected after the cold start, before any store call (the
 * AWS stores point at closed ports).
 */
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { Captioner } from "@curator/ai"
import { type GeminiStandIn, startGeminiStandIn } from "@curator/ai/gemini-testing"
import { BlobKeys, type MediaItem } from "@curator/contracts"
import { BlobStore, PostStore, SessionStore } from "@curator/store"
import { type SsmStandIn, startSsmStandIn } from "@curator/store/aws-testing"
import { SessionStoreLocal } from "@curator/store/local"
import { Effect, Layer, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { makeCaptionLambdaHandler } from "../src/lambda.js"
import { makeCaptionHandler } from "../src/main.js"

type Services = BlobStore | SessionStore | PostStore | Captioner
let dir: string
let gemini: GeminiStandIn
let runtime: ManagedRuntime.ManagedRuntime<Services, unknown>
let ssm: SsmStandIn
const savedEnv = { ...process.env }
const expiresAt = Math.floor(Date.now() / 1000) + 3600
const iso = new Date().toISOString()

const item = (fileId: string, local: string, gps: { lat: number; lon: number }): MediaItem => ({
  fileId, key: BlobKeys.original("s1", fileId, "jpg"), fileName: `${fileId}.jpg`, kind: "photo", mime: "image/jpeg", bytes: 1000,
  width: 4000, height: 3000, captureTime: { local, offsetMinutes: 120, utc: null, source: "exif" }, gps: { ...gps, alt: null }, make: "Test", model: "Cam",
  orientation: 1, rotation: 0, durationSeconds: null, hasAudio: null, codec: "jpeg", contentHash: `hash-${fileId}`
})

beforeAll(async () => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" })
  ssm = await startSsmStandIn()
  gemini = await startGeminiStandIn()
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "caption-worker-"))
  runtime = ManagedRuntime.make(
    Layer.mergeAll(BlobStore.layerLocal({ root: path.join(dir, "blobs") }), SessionStoreLocal.layer({ dataDir: dir }), Captioner.layerOffline)
  ) as ManagedRuntime.ManagedRuntime<Services, unknown>
  await runtime.runPromise(
    Effect.gen(function*() {
      const sessions = yield* SessionStore
      const posts = yield* PostStore
      yield* sessions.createSession({ sessionId: "s1", createdAt: iso, expiresAt, generation: 0, tripContext: "Berlin in spring" })
      yield* sessions.createSelectionJob("s1", {
        jobId: "j1", status: "running", fileCount: 2, tripContext: "", targetCount: 20, startedAt: iso,
        finishedAt: null, errorTag: null, errorMessage: null, result: null, expiresAt
      })
      // Brandenburg Gate and Museum Island, Berlin, on the afternoon of 12 April 2025.
      yield* sessions.putItemDone("s1", "j1", "a", item("a", "2025-04-12T14:00:00", { lat: 52.5163, lon: 13.3777 }), BlobKeys.thumbnail("s1", "a"), expiresAt)
      yield* sessions.putItemDone("s1", "j1", "b", item("b", "2025-04-12T15:30:00", { lat: 52.5169, lon: 13.4019 }), BlobKeys.thumbnail("s1", "b"), expiresAt)
      yield* sessions.completeSelectionJob("s1", "j1", { model: "offline", selected: [], excluded: [], sceneGroups: [] }, iso)
      yield* sessions.confirmReview("s1", { jobId: "j1", confirmedAt: iso, expiresAt })
      yield* posts.putPost("s1", { postId: "p1", index: 0, label: "Gates and museums", fileIds: ["a", "b"], revision: 0, createdAt: iso, updatedAt: iso, expiresAt }, null)
      yield* posts.createCaptionJob("s1", {
        jobId: "c1", postId: "p1", status: "running", rounds: [], pendingFeedback: null, acceptedRound: null, execution: "c1", startedAt: iso,
        finishedAt: null, errorTag: null, errorMessage: null, expiresAt
      })
    })
  )
}, 120_000)

afterAll(async () => {
  await runtime?.dispose()
  await ssm?.close()
  await gemini?.close()
  await fs.rm(dir, { recursive: true, force: true })
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key]
  Object.assign(process.env, savedEnv)
})

const rejection = async (p: Promise<unknown>): Promise<Error> => {
  const outcome = await p.then(() => undefined, (e: unknown) => e)
  expect(outcome).toBeInstanceOf(Error)
  return outcome as Error
}

describe("selection-worker caption handler", () => {
  it("writes the caption version for the event's round and returns it", async () => {
    const handler = makeCaptionHandler(Layer.succeedContext(await runtime.runPromise(Effect.context<Services>())))
    const event = { sessionId: "s1", jobId: "c1", postId: "p1", round: 0, feedback: null, expiresAt }
    expect(await handler(event)).toEqual({ jobId: "c1", round: 0 })
    const job = await runtime.runPromise(PostStore.use((p) => p.getCaptionJob("s1", "c1")))
    expect(job.status).toBe("complete")
    expect(job.rounds[0]).toMatchObject({
      round: 0, source: "generated", model: "offline", postRevision: 0,
      draft: { caption: "Gates and museums in Berlin, Germany, on the afternoon of 12 April 2025. Berlin in spring. 📸", locationTag: "Berlin, Germany" }
    })
    expect(await handler(event)).toEqual({ jobId: "c1", round: 0 }) // a retry returns the stored round
    expect((await rejection(handler({ ...event, round: -1 }))).name).toBe("InvalidInputError")
    expect((await rejection(handler({ ...event, jobId: "missing" }))).name).toBe("NotFoundError")
  }, 60_000)
})

describe("selection-worker captionHandler lambda entry", () => {
  const PARAMETER = "/curator/test/gemini-key"
  const env = (extra: Record<string, string> = {}) => ({
    AWS_REGION: "eu-west-1",
    CURATOR_BUCKET: "curator-media",
    CURATOR_TABLE: "curator-test",
    CURATOR_S3_ENDPOINT: "http://127.0.0.1:9",
    CURATOR_DYNAMODB_ENDPOINT: "http://127.0.0.1:9",
    CURATOR_SSM_ENDPOINT: ssm.endpoint,
    CURATOR_GEMINI_BASE_URL: gemini.baseUrl,
    ...extra
  })

  it("stays offline without the parameter variable and never calls SSM", async () => {
    ssm.requests.length = 0
    const handler = makeCaptionLambdaHandler({ env: env({ GEMINI_API_KEY: "ignored" }) })
    expect((await rejection(handler({ sessionId: "s1" }))).name).toBe("InvalidInputError")
    expect(ssm.requests).toEqual([])
  })

  it("reads the key once per cold start, and fails clearly (then retries) when the parameter is missing", async () => {
    ssm.requests.length = 0
    ssm.parameters.clear()
    const handler = makeCaptionLambdaHandler({ env: env({ CURATOR_GEMINI_KEY_PARAMETER: PARAMETER }) })
    const missing = await rejection(handler({}))
    expect(missing.name).toBe("InternalDefectError")
    expect(missing.message).toContain(`selection-worker could not start: could not read the Gemini key: could not read SSM parameter ${PARAMETER}`)
    ssm.parameters.set(PARAMETER, "gemini-key-0123")
    expect((await rejection(handler({}))).name).toBe("InvalidInputError")
    expect((await rejection(handler({ round: "x" }))).name).toBe("InvalidInputError")
    const getParameter = { target: "AmazonSSM.GetParameter", json: { Name: PARAMETER, WithDecryption: true } }
    expect(ssm.requests).toEqual([getParameter, getParameter])
  })
})
