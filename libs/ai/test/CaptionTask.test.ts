/**
 * The caption task on the embedded stores (dynalite + a blob folder): the
 * post's items and scene labels come from the confirmed selection, the trip
 * context from META; round 0 and a feedback round are appended as versions
 * for the post's revision; a retry of a stored round returns it untouched; a
 * round that does not follow, or a job of another post, is refused. With the
 * Gemini captioner the thumbnails are read from the blob store and sent inline.
 */
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { type GeminiStandIn, startGeminiStandIn } from "@curator/ai/gemini-testing"
import { BlobKeys, type CaptionJobRecord, type CaptionTaskEvent, type MediaItem, type SelectionResult } from "@curator/contracts"
import { failureOf } from "@curator/contracts/testing"
import { BlobStore, PostStore, SessionStore } from "@curator/store"
import { SessionStoreLocal } from "@curator/store/local"
import { Effect, Layer, ManagedRuntime } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { Captioner, CaptionerGemini, DEFAULT_MODELS, GeminiClient, geminiConfigFromEnv, runCaptionTask } from "../src/index.js"
import { mediaItem, picture } from "./support/images.js"

type Stores = BlobStore | SessionStore | PostStore
let dir: string
let stores: ManagedRuntime.ManagedRuntime<Stores, unknown>
let standIn: GeminiStandIn
const S = "sess1"
const now = Math.floor(Date.now() / 1000)
const expiresAt = now + 3600
const iso = new Date(now * 1000).toISOString()

const items: ReadonlyArray<MediaItem> = [
  mediaItem("a", { local: "2025-06-14T18:10:00", offsetMinutes: 60, gps: { lat: 38.6916, lon: -9.216 } }),
  mediaItem("b", { local: "2025-06-15T10:00:00", offsetMinutes: 60, gps: { lat: 38.7139, lon: -9.1394 } }),
  mediaItem("c", { kind: "video", local: "2025-06-16T19:00:00", offsetMinutes: 60, gps: { lat: 38.8, lon: -9.38 } }),
  mediaItem("x", { local: "2025-06-16T20:00:00", offsetMinutes: 60 })
]
const result: SelectionResult = {
  model: "gemini-test",
  selected: [
    { rank: 1, fileId: "a", kind: "photo", scene: "Sunset at Belém Tower", justification: "j", comparisonNote: "c" },
    { rank: 2, fileId: "b", kind: "photo", scene: "Baixa morning", justification: "j", comparisonNote: "c" }
  ],
  excluded: [{ fileId: "x", reason: "blurred", category: "quality-issue", duplicateOf: null }],
  sceneGroups: [{ name: "Old town trams", gps: null, timeRange: null, items: ["c"] }]
}

const job = (jobId: string, postId: string): CaptionJobRecord => ({
  jobId, postId, status: "running", rounds: [], pendingFeedback: null, acceptedRound: null, execution: jobId, startedAt: iso,
  finishedAt: null, errorTag: null, errorMessage: null, expiresAt
})
const event = (jobId: string, postId: string, round: number, feedback: string | null): CaptionTaskEvent => ({ sessionId: S, jobId, postId, round, feedback, expiresAt })

/** Runs the task with the given Captioner over the shared stores. */
const run = async (e: CaptionTaskEvent, captioner: Layer.Layer<Captioner> = Captioner.layerOffline) => {
  const context = await stores.runPromise(Effect.context<Stores>())
  return Effect.runPromiseExit(runCaptionTask(e).pipe(Effect.provide(Layer.merge(Layer.succeedContext(context), captioner))))
}
const value = async <A, E>(exit: Promise<import("effect").Exit.Exit<A, E>>) => {
  const x = await exit
  if (x._tag !== "Success") throw new Error(`expected success, got ${String(failureOf(x))}`)
  return x.value
}
const getJob = (jobId: string) => stores.runPromise(PostStore.use((p) => p.getCaptionJob(S, jobId)))

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "caption-task-"))
  standIn = await startGeminiStandIn()
  stores = ManagedRuntime.make(Layer.mergeAll(BlobStore.layerLocal({ root: path.join(dir, "blobs") }), SessionStoreLocal.layer({ dataDir: dir }))) as ManagedRuntime.ManagedRuntime<Stores, unknown>
  const thumbs = await Promise.all([picture(1), picture(2)])
  await stores.runPromise(
    Effect.gen(function*() {
      const sessions = yield* SessionStore
      const posts = yield* PostStore
      const blobs = yield* BlobStore
      yield* sessions.createSession({ sessionId: S, createdAt: iso, expiresAt, generation: 0, tripContext: "A long weekend in Lisbon with my sister: trams, pastéis de nata and the sea" })
      // sel1 has the confirmed review; sel0 is later and complete but never confirmed, so it is never read
      // (its item "a" was taken in Paris: a caption naming Paris would show it was).
      for (const jobId of ["sel1", "sel0"]) {
        yield* sessions.createSelectionJob(S, {
          jobId, status: "running", fileCount: 4, tripContext: "", targetCount: 20, startedAt: jobId === "sel1" ? "2025-06-17T09:00:00.000Z" : "2025-06-17T10:00:00.000Z",
          finishedAt: null, errorTag: null, errorMessage: null, result: null, expiresAt
        })
      }
      yield* sessions.putItemDone(S, "sel0", "a", { ...items[0]!, gps: { lat: 48.8584, lon: 2.2945, alt: null } }, BlobKeys.thumbnail(S, "a"), expiresAt)
      yield* sessions.completeSelectionJob(S, "sel0", { ...result, selected: [{ ...result.selected[0]!, scene: "Eiffel Tower" }] }, iso)
      for (const [i, item] of items.entries()) {
        if (i < 2) yield* blobs.put(BlobKeys.thumbnail(S, item.fileId), thumbs[i]!, "image/jpeg")
        yield* sessions.putItemDone(S, "sel1", item.fileId, item, BlobKeys.thumbnail(S, item.fileId), expiresAt)
      }
      yield* sessions.completeSelectionJob(S, "sel1", result, iso)
      yield* sessions.confirmReview(S, { jobId: "sel1", confirmedAt: iso, expiresAt })
      // Post p1: the picks and the video (the person included it), in carousel order; "gone" is no item of the selection.
      yield* posts.putPost(S, { postId: "p1", index: 0, label: "", fileIds: ["a", "b"], revision: 0, createdAt: iso, updatedAt: iso, expiresAt }, null)
      yield* posts.putPost(S, { postId: "p1", index: 0, label: "Lisbon weekend", fileIds: ["a", "b", "c", "gone"], revision: 1, createdAt: iso, updatedAt: iso, expiresAt }, 0)
      yield* posts.putPost(S, { postId: "p2", index: 1, label: "", fileIds: ["b"], revision: 0, createdAt: iso, updatedAt: iso, expiresAt }, null)
      yield* posts.createCaptionJob(S, job("cap1", "p1"))
      yield* posts.createCaptionJob(S, job("cap2", "p2"))
    })
  )
}, 120_000)

afterAll(async () => {
  await standIn?.close()
  await stores?.dispose()
  await fs.rm(dir, { recursive: true, force: true })
})

describe("captionTask", () => {
  it("writes round 0 from the confirmed selection's items, scenes and the session's trip context", async () => {
    expect(await value(run(event("cap1", "p1", 0, null)))).toEqual({ jobId: "cap1", round: 0 })
    const stored = await getJob("cap1")
    expect(stored.status).toBe("complete")
    expect(stored.rounds).toHaveLength(1)
    const v = stored.rounds[0]!
    expect(v).toMatchObject({ round: 0, source: "generated", feedback: null, model: "offline", postRevision: 1, note: null })
    expect(v.draft.caption).toBe(
      "Lisbon weekend — Lisbon and Sintra, Portugal, from 14 to 16 June 2025. A long weekend in Lisbon with my sister: trams, pastéis de nata and the sea. 🌅"
    )
    expect(v.draft.locationTag).toBe("Lisbon, Portugal")
    // Scene labels from the result: picks' scenes and the scene group of the included video.
    expect(v.draft.hashtags.slice(0, 6)).toEqual(["Lisbon", "Sintra", "Portugal", "SunsetBelemTower", "BaixaMorning", "OldTownTrams"])
  }, 60_000)

  it("returns a stored round on retry without writing again", async () => {
    const before = await getJob("cap1")
    expect(await value(run(event("cap1", "p1", 0, null)))).toEqual({ jobId: "cap1", round: 0 })
    expect(await getJob("cap1")).toEqual(before)
  }, 60_000)

  it("appends a feedback round after the API began it, with the offline note", async () => {
    await stores.runPromise(PostStore.use((p) => p.beginCaptionRound(S, "cap1", { expectedRounds: 1, feedback: "shorter and mention grandma", execution: "cap1-r1", startedAt: iso })))
    expect(await value(run(event("cap1", "p1", 1, "shorter and mention grandma")))).toEqual({ jobId: "cap1", round: 1 })
    const stored = await getJob("cap1")
    expect(stored.status).toBe("complete")
    expect(stored.pendingFeedback).toBeNull()
    expect(stored.rounds[1]).toMatchObject({
      round: 1, source: "generated", feedback: "shorter and mention grandma", postRevision: 1,
      draft: { caption: "Lisbon weekend — Lisbon and Sintra, 14–16 June 2025. 🌅", locationTag: "Lisbon, Portugal" }
    })
    expect(stored.rounds[1]!.note).toMatch(/^Applied: shorter\. Not followed: "mention grandma"/)
  }, 60_000)

  it("refuses a round that does not follow the stored ones, and a job of another post", async () => {
    expect(failureOf(await run(event("cap1", "p1", 3, "longer")))).toMatchObject({ _tag: "StoreConflictError", message: expect.stringContaining("has 2 round(s); round 3 cannot follow") })
    expect(failureOf(await run(event("cap1", "p2", 2, "longer")))).toMatchObject({ _tag: "StoreConflictError", message: expect.stringContaining("belongs to post p1") })
    expect(failureOf(await run(event("nope", "p1", 0, null)))).toMatchObject({ _tag: "NotFoundError" })
  }, 60_000)

  it("sends the thumbnails from the blob store to the Gemini captioner", async () => {
    standIn.script({ text: JSON.stringify({ caption: "Morning light in Baixa.", hashtags: ["Lisbon", "#Baixa"], locationTag: "Lisbon, Portugal" }) })
    const gemini = CaptionerGemini.pipe(Layer.provide(GeminiClient.layer(geminiConfigFromEnv({ GEMINI_API_KEY: "k", CURATOR_GEMINI_BASE_URL: standIn.baseUrl })!)))
    expect(await value(run(event("cap2", "p2", 0, null), gemini))).toEqual({ jobId: "cap2", round: 0 })
    const body = standIn.generateRequests()[0]!.json as { contents: Array<{ parts: Array<{ text?: string; inlineData?: { data: string } }> }> }
    const parts = body.contents[0]!.parts
    expect(parts[0]!.text).toMatch(/^Trip context: A long weekend in Lisbon/)
    expect(parts[1]!.text).toMatch(/^item 0: photo, 2025-06-15T10:00:00\+01:00, .*scene: Baixa morning$/)
    const thumb = await stores.runPromise(BlobStore.use((b) => b.get(BlobKeys.thumbnail(S, "b"))))
    expect(Buffer.from(parts[2]!.inlineData!.data, "base64")).toEqual(Buffer.from(thumb))
    const stored = await getJob("cap2")
    expect(stored.rounds[0]).toMatchObject({ model: DEFAULT_MODELS.caption, postRevision: 0, draft: { caption: "Morning light in Baixa.", hashtags: ["Lisbon", "Baixa"] } })
  }, 60_000)
})
