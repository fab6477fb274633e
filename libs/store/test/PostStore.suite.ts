/**
 * THE PostStore behaviour suite (issue 7 records): run against the local
 * dynalite (test/PostStore.test.ts) and against dynalite through the AWS
 * layer (test/aws/AwsStores.test.ts). The layer provides SessionStore and
 * `DynamoDb` too: some cases write records the way the state machines'
 * DynamoDB integration does (raw `UpdateItem` with only some attributes).
 */
import { UpdateItemCommand } from "@aws-sdk/client-dynamodb"
import { ScanCommand } from "@aws-sdk/lib-dynamodb"
import { Keys } from "@curator/contracts"
import { runExit, runWith } from "@curator/contracts/testing"
import { Cause, Effect, Exit, type Layer } from "effect"
import { describe, expect, it } from "vitest"
import { DynamoDb, PostStore, SessionStore } from "../src/index.js"
import { captionJob, downloadJob, downloadPost, entry, post, version } from "./postRecords.js"
import { future, meta, past } from "./records.js"
import type { SessionLayerOptions } from "./SessionStore.suite.js"

/** One fresh, empty table with a layer providing both stores over it. */
export interface PostStorage {
  readonly tableName: string
  readonly layer: (options?: SessionLayerOptions) => Layer.Layer<SessionStore | PostStore | DynamoDb, unknown>
  readonly dispose: () => Promise<void>
}

type Posts = PostStore["Service"]
type Sessions = SessionStore["Service"]

const tagOf = (error: unknown) => (typeof error === "object" && error !== null && "_tag" in error ? error._tag : error)
const flipTag = <A, E>(effect: Effect.Effect<A, E>) => Effect.flip(effect).pipe(Effect.map(tagOf))
const flipMessage = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.flip(effect).pipe(Effect.map((e) => `${String(tagOf(e))}: ${(e as { message?: string }).message ?? ""}`))

/** The step-function failure recorder's Lambda error Cause, as Step Functions passes `$.error.Cause`. */
const lambdaCause = (message: string) => JSON.stringify({ errorType: "CaptionerError", errorMessage: message, trace: ["at x"] })

/** Runs the suite against the storage `fresh` creates (one per test). */
export const postStoreSuite = (name: string, fresh: () => Promise<PostStorage>) =>
  describe(`PostStore behaviour: ${name}`, () => {
    const withStores = async <A>(
      body: (posts: Posts, sessions: Sessions, storage: PostStorage) => Effect.Effect<A, unknown, DynamoDb>,
      options?: SessionLayerOptions
    ) => {
      const storage = await fresh()
      try {
        return await runWith(
          Effect.gen(function* () {
            const posts = yield* PostStore
            const sessions = yield* SessionStore
            return yield* body(posts, sessions, storage)
          }),
          storage.layer(options)
        )
      } finally {
        await storage.dispose()
      }
    }

    /** A raw UpdateItem the way the Step Functions DynamoDB integration sends it (strings only). */
    const rawUpdate = (storage: PostStorage, sessionId: string, sk: string, set: Record<string, string>, condition?: string) =>
      Effect.gen(function* () {
        const { client } = yield* DynamoDb
        const names = Object.fromEntries(Object.keys(set).map((k) => [`#${k}`, k]))
        const values = Object.fromEntries(Object.entries(set).map(([k, v]) => [`:${k}`, k === "expiresAt" ? { N: v } : { S: v }]))
        yield* Effect.promise(() =>
          client.send(
            new UpdateItemCommand({
              TableName: storage.tableName,
              Key: { PK: { S: Keys.pk(sessionId) }, SK: { S: sk } },
              UpdateExpression: `SET ${Object.keys(set).map((k) => `#${k} = :${k}`).join(", ")}`,
              ...(condition === undefined ? {} : { ConditionExpression: condition }),
              ExpressionAttributeNames: { ...names, ...(condition?.includes("#status") === true && !("status" in set) ? { "#status": "status" } : {}) },
              ExpressionAttributeValues: { ...values, ...(condition?.includes(":running") === true ? { ":running": { S: "running" } } : {}) }
            })
          )
        )
      })

    it("bumps the session generation conditionally and un-confirms a review", async () => {
      const out = await withStores((posts, sessions) =>
        Effect.gen(function* () {
          yield* sessions.createSession(meta("s1"))
          yield* sessions.confirmReview("s1", { jobId: "j1", confirmedAt: "2025-06-01T10:20:00.000Z", expiresAt: future() })
          const first = yield* posts.bumpGeneration("s1", 0)
          const stale = yield* flipMessage(posts.bumpGeneration("s1", 0))
          const second = yield* posts.bumpGeneration("s1", 1)
          yield* posts.deleteReview("s1", "j1")
          yield* posts.deleteReview("s1", "j1") // absent: success
          yield* sessions.createSession(meta("old", { expiresAt: past() }))
          return {
            first,
            second,
            stale,
            stored: (yield* sessions.getSession("s1")).generation,
            review: yield* sessions.getReview("s1", "j1"),
            missing: yield* flipTag(posts.bumpGeneration("nope", 0)),
            expired: yield* flipTag(posts.bumpGeneration("old", 0))
          }
        })
      )
      expect(out.first).toBe(1)
      expect(out.second).toBe(2)
      expect(out.stale).toBe("StoreConflictError: session s1 is at generation 1, not 0; reload and try again")
      expect(out.stored).toBe(2)
      expect(out.review).toBeNull()
      expect(out.missing).toBe("NotFoundError")
      expect(out.expired).toBe("NotFoundError")
    })

    it("creates posts once, updates them conditionally on the revision, and lists them in index order across pages", async () => {
      const out = await withStores(
        (posts) =>
          Effect.gen(function* () {
            yield* posts.putPost("s1", post("pB", { index: 1 }), null)
            yield* posts.putPost("s1", post("pA", { index: 0 }), null)
            yield* posts.putPost("s1", post("pC", { index: 2, fileIds: [] }), null)
            yield* posts.putPost("s1", post("pA", { index: 0 }), null) // retry: same value
            const createConflict = yield* flipTag(posts.putPost("s1", post("pA", { index: 0, label: "other" }), null))
            const updated = post("pA", { index: 0, label: "Belém", fileIds: ["f2", "f1", "f3"], revision: 1, updatedAt: "2025-06-01T11:10:00.000Z" })
            yield* posts.putPost("s1", updated, 0)
            yield* posts.putPost("s1", updated, 0) // retry: same value stored
            const stale = yield* flipMessage(posts.putPost("s1", { ...updated, label: "Sintra" }, 0))
            const missingUpdate = yield* flipTag(posts.putPost("s1", post("pZ", { revision: 1 }), 0))
            const badRevision = yield* Effect.exit(posts.putPost("s1", { ...updated, revision: 5 }, 1))
            yield* posts.putPost("s2", post("pA", { label: "another session" }), null)
            return {
              createConflict,
              stale,
              missingUpdate,
              badRevisionIsDefect: Exit.isFailure(badRevision) && Cause.hasDies(badRevision.cause),
              list: (yield* posts.listPosts("s1")).map((p) => [p.postId, p.index, p.label, p.revision, p.fileIds.join(",")]),
              got: yield* posts.getPost("s1", "pA"),
              missing: yield* flipTag(posts.getPost("s1", "nope")),
              updated
            }
          }),
        { pageSize: 2 }
      )
      expect(out.createConflict).toBe("StoreConflictError")
      expect(out.stale).toBe("StoreConflictError: post pA changed meanwhile: it is at revision 1, not 0; reload and try again")
      expect(out.missingUpdate).toBe("StoreConflictError")
      expect(out.badRevisionIsDefect).toBe(true)
      expect(out.list).toEqual([
        ["pA", 0, "Belém", 1, "f2,f1,f3"],
        ["pB", 1, "Alfama", 0, "f1,f2"],
        ["pC", 2, "Alfama", 0, ""]
      ])
      expect(out.got).toEqual(out.updated)
      expect(out.missing).toBe("NotFoundError")
    })

    it("deletes a post conditionally on its revision; deleting an absent post succeeds", async () => {
      const out = await withStores((posts) =>
        Effect.gen(function* () {
          yield* posts.putPost("s1", post("p1"), null)
          yield* posts.putPost("s1", post("p1", { revision: 1, label: "x" }), 0)
          const stale = yield* flipTag(posts.deletePost("s1", "p1", 0))
          const afterStale = (yield* posts.listPosts("s1")).length
          yield* posts.deletePost("s1", "p1", 1)
          yield* posts.deletePost("s1", "p1", 1) // retry
          return { stale, afterStale, after: yield* posts.listPosts("s1") }
        })
      )
      expect(out).toEqual({ stale: "StoreConflictError", afterStale: 1, after: [] })
    })

    it("appends caption rounds: idempotent retries, one running round at a time, no edit while running, stale round refused", async () => {
      const out = await withStores((posts) =>
        Effect.gen(function* () {
          yield* posts.createCaptionJob("s1", captionJob("c1"))
          yield* posts.createCaptionJob("s1", captionJob("c1")) // retry
          const createConflict = yield* flipTag(posts.createCaptionJob("s1", captionJob("c1", { postId: "p2" })))
          const afterFirst = yield* posts.appendCaptionVersion("s1", "c1", version(0), "2025-06-01T11:06:00.000Z")
          // The task retried: same content, its own createdAt.
          const retried = yield* posts.appendCaptionVersion("s1", "c1", version(0, { createdAt: "2025-06-01T11:06:30.000Z" }), "2025-06-01T11:06:30.000Z")
          const otherRound0 = yield* flipTag(posts.appendCaptionVersion("s1", "c1", version(0, { model: "gemini-2.5-flash" }), "2025-06-01T11:07:00.000Z"))
          const begun = yield* posts.beginCaptionRound("s1", "c1", { expectedRounds: 1, feedback: "shorter", execution: "c1-r1", startedAt: "2025-06-01T11:08:00.000Z" })
          const doubleClick = yield* flipMessage(
            posts.beginCaptionRound("s1", "c1", { expectedRounds: 1, feedback: "shorter", execution: "c1-r1", startedAt: "2025-06-01T11:08:01.000Z" })
          )
          const editWhileRunning = yield* flipMessage(
            posts.appendCaptionVersion("s1", "c1", version(1, { source: "edited", feedback: null, model: "person" }), "2025-06-01T11:08:02.000Z")
          )
          const acceptWhileRunning = yield* flipTag(posts.acceptCaption("s1", "c1", 0))
          yield* posts.appendCaptionVersion("s1", "c1", version(1), "2025-06-01T11:09:00.000Z")
          const staleBegin = yield* flipMessage(
            posts.beginCaptionRound("s1", "c1", { expectedRounds: 1, feedback: "more casual", execution: "c1-r1", startedAt: "2025-06-01T11:10:00.000Z" })
          )
          const edited = yield* posts.appendCaptionVersion(
            "s1",
            "c1",
            version(2, { source: "edited", feedback: null, model: "person", draft: { caption: "mine", hashtags: ["lisboa"], locationTag: null } }),
            "2025-06-01T11:11:00.000Z"
          )
          const acceptMissingRound = yield* flipTag(posts.acceptCaption("s1", "c1", 3))
          const acceptNegative = yield* flipTag(posts.acceptCaption("s1", "c1", -1))
          const accepted = yield* posts.acceptCaption("s1", "c1", 1)
          return {
            createConflict,
            afterFirst,
            retried,
            otherRound0,
            begun,
            doubleClick,
            editWhileRunning,
            acceptWhileRunning,
            staleBegin,
            edited,
            acceptMissingRound,
            acceptNegative,
            accepted,
            stored: yield* posts.getCaptionJob("s1", "c1"),
            missing: yield* flipTag(posts.getCaptionJob("s1", "nope")),
            beginMissing: yield* flipTag(
              posts.beginCaptionRound("s1", "nope", { expectedRounds: 0, feedback: "x", execution: "nope-r1", startedAt: "2025-06-01T11:12:00.000Z" })
            ),
            appendMissing: yield* flipTag(posts.appendCaptionVersion("s1", "nope", version(0), "2025-06-01T11:12:00.000Z")),
            acceptMissing: yield* flipTag(posts.acceptCaption("s1", "nope", 0))
          }
        })
      )
      expect(out.createConflict).toBe("StoreConflictError")
      expect(out.afterFirst).toMatchObject({ status: "complete", finishedAt: "2025-06-01T11:06:00.000Z", pendingFeedback: null })
      expect(out.afterFirst.rounds).toEqual([version(0)])
      expect(out.retried.rounds).toEqual([version(0)])
      expect(out.otherRound0).toBe("StoreConflictError")
      expect(out.begun).toMatchObject({ status: "running", pendingFeedback: "shorter", execution: "c1-r1", startedAt: "2025-06-01T11:08:00.000Z", finishedAt: null })
      expect(out.doubleClick).toBe("StoreConflictError: a caption round is still running for caption job c1; wait for it to finish")
      expect(out.editWhileRunning).toBe("StoreConflictError: a caption round is still running for caption job c1; wait for it to finish before editing")
      expect(out.acceptWhileRunning).toBe("StoreConflictError")
      expect(out.staleBegin).toBe("StoreConflictError: caption job c1 has 2 rounds, not 1; reload and try again")
      expect(out.edited.rounds.map((r) => [r.round, r.source, r.draft.caption])).toEqual([
        [0, "generated", "Lisbon light, take 0"],
        [1, "generated", "Lisbon light, take 1"],
        [2, "edited", "mine"]
      ])
      expect([out.acceptMissingRound, out.acceptNegative]).toEqual(["StoreConflictError", "StoreConflictError"])
      expect(out.accepted.acceptedRound).toBe(1)
      expect(out.stored).toEqual(out.accepted)
      expect(out.stored).toMatchObject({ status: "complete", pendingFeedback: null, errorTag: null })
      expect([out.missing, out.beginMissing, out.appendMissing, out.acceptMissing]).toEqual(["NotFoundError", "NotFoundError", "NotFoundError", "NotFoundError"])
    })

    it("lists caption jobs oldest first, fails running ones only, lists running ones across sessions and drops expired ones", async () => {
      const out = await withStores(
        (posts) =>
          Effect.gen(function* () {
            yield* posts.createCaptionJob("s1", captionJob("c2", { startedAt: "2025-06-01T11:07:00.000Z" }))
            yield* posts.createCaptionJob("s1", captionJob("c1", { startedAt: "2025-06-01T11:05:00.000Z" }))
            yield* posts.createCaptionJob("s1", captionJob("c3", { startedAt: "2025-06-01T11:09:00.000Z" }))
            yield* posts.createCaptionJob("s2", captionJob("c4"))
            yield* posts.createCaptionJob("s2", captionJob("old", { expiresAt: past() }))
            yield* posts.appendCaptionVersion("s1", "c3", version(0), "2025-06-01T11:10:00.000Z")
            yield* posts.failCaptionJob("s1", "c2", { errorTag: "StepFunctionsError", errorMessage: "execution ended without an outcome", finishedAt: "2025-06-01T11:20:00.000Z" })
            // A complete job is never failed; an absent one is nothing to fail.
            yield* posts.failCaptionJob("s1", "c3", { errorTag: "X", errorMessage: "y", finishedAt: "2025-06-01T11:20:00.000Z" })
            yield* posts.failCaptionJob("s1", "nope", { errorTag: "X", errorMessage: "y", finishedAt: "2025-06-01T11:20:00.000Z" })
            return {
              list: (yield* posts.listCaptionJobs("s1")).map((j) => [j.jobId, j.status, j.errorTag]),
              running: (yield* posts.listRunningCaptionJobs()).map((j) => [j.sessionId, j.jobId]).sort(),
              expired: yield* flipTag(posts.getCaptionJob("s2", "old")),
              s2: (yield* posts.listCaptionJobs("s2")).map((j) => j.jobId)
            }
          }),
        { pageSize: 1 }
      )
      expect(out.list).toEqual([
        ["c1", "running", null],
        ["c2", "failed", "StepFunctionsError"],
        ["c3", "complete", null]
      ])
      expect(out.running).toEqual([
        ["s1", "c1"],
        ["s2", "c4"]
      ])
      expect(out.expired).toBe("NotFoundError")
      expect(out.s2).toEqual(["c4"])
    })

    it("reads caption and download records the failure recorders wrote with only some attributes", async () => {
      const out = await withStores((posts, _sessions, storage) =>
        Effect.gen(function* () {
          yield* posts.createCaptionJob("s1", captionJob("c1"))
          yield* posts.beginCaptionRound("s1", "c1", { expectedRounds: 0, feedback: "x", execution: "c1-r1", startedAt: "2025-06-01T11:08:00.000Z" }).pipe(
            Effect.ignore
          )
          // CaptionPipeline's Catch: status, error and finishedAt only, on a running job.
          yield* rawUpdate(
            storage,
            "s1",
            Keys.captionJob("c1"),
            { status: "failed", errorTag: "AiUnavailableError", errorMessage: lambdaCause("Gemini answered 503"), finishedAt: "2025-06-01T11:09:00.000Z" },
            "#status = :running"
          )
          // A recorder that reached a job record that was never written (key + a few attributes).
          yield* rawUpdate(storage, "s1", Keys.captionJob("c9"), {
            jobId: "c9",
            postId: "p1",
            status: "failed",
            errorTag: "InternalDefectError",
            errorMessage: "boom",
            execution: "c9",
            startedAt: "2025-06-01T11:00:00.000Z",
            expiresAt: String(future())
          })
          yield* posts.createDownloadJob("s1", downloadJob("d1"), [downloadPost("p1", 0), downloadPost("p2", 1)])
          // DownloadPipeline's per-post Catch and job-level Catch.
          yield* rawUpdate(storage, "s1", Keys.downloadPost("d1", "p2"), { status: "failed", errorTag: "CorruptMediaError", errorMessage: lambdaCause("truncated MP4") })
          yield* rawUpdate(storage, "s1", Keys.downloadJob("d1"), {
            status: "failed",
            errorTag: "States.Timeout",
            errorMessage: "timed out",
            finishedAt: "2025-06-01T12:30:00.000Z"
          })
          return {
            c1: yield* posts.getCaptionJob("s1", "c1"),
            c9: yield* posts.getCaptionJob("s1", "c9"),
            downloadPosts: yield* posts.listDownloadPosts("s1", "d1"),
            job: yield* posts.getDownloadJob("s1", "d1")
          }
        })
      )
      expect(out.c1).toMatchObject({ status: "failed", errorTag: "AiUnavailableError", errorMessage: "Gemini answered 503", finishedAt: "2025-06-01T11:09:00.000Z" })
      expect(out.c9).toMatchObject({ status: "failed", rounds: [], pendingFeedback: null, acceptedRound: null, finishedAt: null, errorMessage: "boom" })
      expect(out.downloadPosts.map((p) => [p.postId, p.status, p.errorTag, p.errorMessage, p.entries.length])).toEqual([
        ["p1", "pending", null, null, 2],
        ["p2", "failed", "CorruptMediaError", "truncated MP4", 2]
      ])
      expect(out.job).toMatchObject({ status: "failed", errorTag: "States.Timeout", finishedAt: "2025-06-01T12:30:00.000Z" })
    })

    it("writes a download job with its post records idempotently and moves posts pending -> processing -> done", async () => {
      const out = await withStores(
        (posts) =>
          Effect.gen(function* () {
            const job = downloadJob("d1")
            const records = [downloadPost("p2", 1), downloadPost("p1", 0), downloadPost("p3", 2)]
            yield* posts.createDownloadJob("s1", job, records)
            yield* posts.createDownloadJob("s1", job, records) // retry
            const otherEntries = yield* flipTag(
              posts.createDownloadJob("s1", job, [downloadPost("p1", 0, { entries: [entry("zz", 1)] })])
            )
            const otherJob = yield* flipTag(posts.createDownloadJob("s1", { ...job, keepGps: true }, records))
            const processing = yield* posts.markDownloadPostProcessing("s1", "d1", "p1")
            yield* posts.markDownloadPostProcessing("s1", "d1", "p1") // task retry
            const bundles = [
              { name: "01-alfama-part1", bytes: 2_000_000, entries: ["01-IMG_p1a.jpg"] },
              { name: "01-alfama-part2", bytes: 1_500_000, entries: ["02-IMG_p1b.jpg"] }
            ]
            yield* posts.putDownloadPostDone("s1", "d1", "p1", bundles)
            yield* posts.putDownloadPostDone("s1", "d1", "p1", bundles) // retry, same bundles
            const otherBundles = yield* flipTag(posts.putDownloadPostDone("s1", "d1", "p1", bundles.slice(0, 1)))
            const doneStays = yield* posts.markDownloadPostProcessing("s1", "d1", "p1")
            const noRecord = yield* flipTag(posts.putDownloadPostDone("s1", "d1", "p9", bundles))
            // Another job whose id shares the prefix is not listed with d1.
            yield* posts.createDownloadJob("s1", downloadJob("d10", { startedAt: "2025-06-01T11:00:00.000Z" }), [downloadPost("p1", 0)])
            return {
              otherEntries,
              otherJob,
              processing,
              doneStays,
              otherBundles,
              noRecord,
              bundles,
              job,
              jobs: (yield* posts.listDownloadJobs("s1")).map((j) => j.jobId),
              stored: yield* posts.getDownloadJob("s1", "d1"),
              list: (yield* posts.listDownloadPosts("s1", "d1")).map((p) => [p.postId, p.index, p.status, p.bundles.length]),
              p1: yield* posts.getDownloadPost("s1", "d1", "p1"),
              missingPost: yield* flipTag(posts.getDownloadPost("s1", "d1", "p9")),
              missingProcessing: yield* flipTag(posts.markDownloadPostProcessing("s1", "d1", "p9")),
              missingJob: yield* flipTag(posts.getDownloadJob("s1", "nope"))
            }
          }),
        { pageSize: 2 }
      )
      expect([out.otherEntries, out.otherJob, out.otherBundles, out.noRecord]).toEqual([
        "StoreConflictError",
        "StoreConflictError",
        "StoreConflictError",
        "StoreConflictError"
      ])
      expect(out.processing.status).toBe("processing")
      expect(out.doneStays).toMatchObject({ status: "done", bundles: out.bundles })
      expect(out.jobs).toEqual(["d10", "d1"])
      expect(out.stored).toEqual(out.job)
      expect(out.list).toEqual([
        ["p1", 0, "done", 2],
        ["p2", 1, "pending", 0],
        ["p3", 2, "pending", 0]
      ])
      expect(out.p1).toEqual({ ...downloadPost("p1", 0, { expiresAt: out.p1.expiresAt }), status: "done", bundles: out.bundles })
      expect([out.missingPost, out.missingProcessing, out.missingJob]).toEqual(["NotFoundError", "NotFoundError", "NotFoundError"])
    })

    it("a failed post can be retried; download jobs end once (complete or failed) and only running ones are listed as running", async () => {
      const out = await withStores(
        (posts, _sessions, storage) =>
          Effect.gen(function* () {
            yield* posts.createDownloadJob("s1", downloadJob("d1"), [downloadPost("p1", 0)])
            yield* posts.createDownloadJob("s1", downloadJob("d2"), [downloadPost("p1", 0)])
            yield* posts.createDownloadJob("s2", downloadJob("d3"), [downloadPost("p1", 0)])
            yield* posts.createDownloadJob("s2", downloadJob("d4", { expiresAt: past() }), [])
            yield* rawUpdate(storage, "s1", Keys.downloadPost("d1", "p1"), { status: "failed", errorTag: "StoreUnavailableError", errorMessage: "x" })
            const retried = yield* posts.markDownloadPostProcessing("s1", "d1", "p1")
            yield* posts.completeDownloadJob("s1", "d1", "2025-06-01T12:10:00.000Z")
            yield* posts.failDownloadJob("s1", "d1", { errorTag: "X", errorMessage: "late", finishedAt: "2025-06-01T12:11:00.000Z" }) // no longer running
            yield* posts.failDownloadJob("s1", "d2", { errorTag: "StepFunctionsError", errorMessage: "ended", finishedAt: "2025-06-01T12:12:00.000Z" })
            yield* posts.completeDownloadJob("s1", "d2", "2025-06-01T12:13:00.000Z") // no longer running
            yield* posts.completeDownloadJob("s1", "nope", "2025-06-01T12:13:00.000Z") // absent: nothing to do
            return {
              retried,
              d1: yield* posts.getDownloadJob("s1", "d1"),
              d2: yield* posts.getDownloadJob("s1", "d2"),
              running: (yield* posts.listRunningDownloadJobs()).map((j) => [j.sessionId, j.jobId]),
              s2: (yield* posts.listDownloadJobs("s2")).map((j) => j.jobId),
              expired: yield* flipTag(posts.getDownloadJob("s2", "d4"))
            }
          }),
        { pageSize: 3 }
      )
      expect(out.retried).toMatchObject({ status: "processing", errorTag: null, errorMessage: null })
      expect(out.d1).toMatchObject({ status: "complete", finishedAt: "2025-06-01T12:10:00.000Z", errorTag: null })
      expect(out.d2).toMatchObject({ status: "failed", finishedAt: "2025-06-01T12:12:00.000Z", errorTag: "StepFunctionsError", errorMessage: "ended" })
      expect(out.running).toEqual([["s2", "d3"]])
      expect(out.s2).toEqual(["d3"])
      expect(out.expired).toBe("NotFoundError")
    })

    it("deletes a caption or download job that never started (its post records too, across pages); other jobs stay", async () => {
      const out = await withStores(
        (posts, _sessions, storage) =>
          Effect.gen(function* () {
            yield* posts.createCaptionJob("s1", captionJob("c1"))
            yield* posts.createCaptionJob("s1", captionJob("c2"))
            yield* posts.deleteCaptionJob("s1", "c1")
            yield* posts.deleteCaptionJob("s1", "c1") // absent: success
            yield* posts.createDownloadJob("s1", downloadJob("d1"), [downloadPost("p1", 0), downloadPost("p2", 1), downloadPost("p3", 2, { expiresAt: past() })])
            yield* posts.createDownloadJob("s1", downloadJob("d10"), [downloadPost("p1", 0)])
            yield* posts.deleteDownloadJob("s1", "d1")
            yield* posts.deleteDownloadJob("s1", "d1")
            const { document } = yield* DynamoDb
            const scan = yield* Effect.promise(() => document.send(new ScanCommand({ TableName: storage.tableName })))
            return {
              captions: (yield* posts.listCaptionJobs("s1")).map((j) => j.jobId),
              jobs: (yield* posts.listDownloadJobs("s1")).map((j) => j.jobId),
              left: (scan.Items ?? []).map((i) => String(i["SK"])).sort()
            }
          }),
        { pageSize: 1 }
      )
      expect(out.captions).toEqual(["c2"])
      expect(out.jobs).toEqual(["d10"])
      expect(out.left).toEqual(["CAPTION#c2", "DOWNLOAD#d10", "DOWNLOAD#d10#POST#p1"])
    })

    it("drops expired posts from reads", async () => {
      const out = await withStores((posts) =>
        Effect.gen(function* () {
          yield* posts.putPost("s1", post("gone", { expiresAt: past() }), null)
          yield* posts.putPost("s1", post("kept", { index: 1 }), null)
          return { list: (yield* posts.listPosts("s1")).map((p) => p.postId), get: yield* flipTag(posts.getPost("s1", "gone")) }
        })
      )
      expect(out).toEqual({ list: ["kept"], get: "NotFoundError" })
    })

    it("a second layer over the same table reads what the first wrote (process restart)", async () => {
      const storage = await fresh()
      try {
        await runWith(PostStore.use((posts) => posts.putPost("s1", post("p1"), null)), storage.layer())
        const exit = await runExit(PostStore.use((posts) => posts.getPost("s1", "p1")), storage.layer())
        expect(Exit.isSuccess(exit) ? exit.value.postId : exit).toBe("p1")
      } finally {
        await storage.dispose()
      }
    })
  })
