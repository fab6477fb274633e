/**
 * The SessionStore behaviour suite for enhancement records (issue 4): the
 * job record, per-item records with append-only rounds under optimistic
 * concurrency, kind guarding and progress by Query. Same harness as
 * SessionStore.suite.ts, so it runs against every storage that suite does.
 */
import { UpdateItemCommand } from "@aws-sdk/client-dynamodb"
import { type EnhancementJobRecord, type EnhancementRound, Keys } from "@curator/contracts"
import { runWith } from "@curator/contracts/testing"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { DynamoDb, SessionStore } from "../src/index.js"
import { future, past } from "./records.js"
import type { SessionLayerOptions, SessionStorage } from "./SessionStore.suite.js"

type Store = SessionStore["Service"]

const tagOf = (error: unknown) => (typeof error === "object" && error !== null && "_tag" in error ? error._tag : error)
const flipTag = <A, E>(effect: Effect.Effect<A, E>) => Effect.flip(effect).pipe(Effect.map(tagOf))

const enhanceJob = (jobId: string, over: Partial<EnhancementJobRecord> = {}): EnhancementJobRecord => ({
  jobId,
  selectionJobId: "sel1",
  items: [
    { fileId: "f1", kind: "photo" },
    { fileId: "f2", kind: "photo" },
    { fileId: "f3", kind: "video" }
  ],
  status: "running",
  photoCount: 2,
  videoCount: 1,
  startedAt: "2025-06-01T12:00:00.000Z",
  finishedAt: null,
  errorTag: null,
  errorMessage: null,
  expiresAt: future(),
  ...over
})

const round = (index: number, over: Partial<EnhancementRound> = {}): EnhancementRound => ({
  round: index,
  feedback: index === 0 ? null : "brighter",
  params: { gamma: 1 + index / 10, whiteBalance: { red: 1.05, green: 1, blue: 0.95 }, denoise: 3 },
  outputKey: `s1/enhanced/f1${index === 0 ? "" : `.r${index}`}.jpg`,
  previewKey: null,
  createdAt: `2025-06-01T12:0${index}:00.000Z`,
  ...over
})

/** Runs the enhancement-record cases against the storage `fresh` creates (one per test). */
export const enhancementRecordsSuite = (name: string, fresh: () => Promise<SessionStorage>) =>
  describe(`SessionStore enhancement records: ${name}`, () => {
    const withStore = async <A>(body: (store: Store, storage: SessionStorage) => Effect.Effect<A, unknown, DynamoDb>, options?: SessionLayerOptions) => {
      const storage = await fresh()
      try {
        return await runWith(SessionStore.use((store) => body(store, storage)), storage.layer(options))
      } finally {
        await storage.dispose()
      }
    }

    it("creates the job idempotently, refuses a different one and fails it unless complete", async () => {
      const out = await withStore((store) =>
        Effect.gen(function* () {
          yield* store.createEnhancementJob("s1", enhanceJob("e1"))
          yield* store.createEnhancementJob("s1", enhanceJob("e1"))
          const conflict = yield* flipTag(store.createEnhancementJob("s1", enhanceJob("e1", { photoCount: 9 })))
          const missing = yield* flipTag(store.getEnhancementJob("s1", "nope"))
          yield* store.failEnhancementJob("s1", "e1", "JobInterruptedError", "stopped", "2025-06-01T13:00:00.000Z")
          const failMissing = yield* flipTag(store.failEnhancementJob("s1", "nope", "X", "y", "2025-06-01T13:00:00.000Z"))
          yield* store.createEnhancementJob("s1", enhanceJob("e2", { status: "complete" }))
          const failComplete = yield* flipTag(store.failEnhancementJob("s1", "e2", "X", "y", "2025-06-01T13:00:00.000Z"))
          yield* store.createEnhancementJob("s2", enhanceJob("e3"))
          yield* store.createEnhancementJob("s2", enhanceJob("e4", { expiresAt: past() }))
          const running = (yield* store.listRunningEnhancementJobs()).map((j) => [j.sessionId, j.jobId])
          const selectionRunning = yield* store.listRunningSelectionJobs()
          return { conflict, missing, failMissing, failComplete, running, selectionRunning, failed: yield* store.getEnhancementJob("s1", "e1") }
        })
      )
      expect([out.conflict, out.missing, out.failMissing, out.failComplete]).toEqual([
        "StoreConflictError",
        "NotFoundError",
        "NotFoundError",
        "StoreConflictError"
      ])
      expect(out.running).toEqual([["s2", "e3"]])
      expect(out.selectionRunning).toEqual([])
      expect(out.failed).toMatchObject({ status: "failed", errorTag: "JobInterruptedError", errorMessage: "stopped", photoCount: 2 })
    })

    it("appends rounds once each: a retried append of the same round succeeds, a stale or different one conflicts", async () => {
      const out = await withStore((store) =>
        Effect.gen(function* () {
          const created = yield* store.markEnhancementItemProcessing("s1", "e1", "f1", "photo", future())
          yield* store.appendEnhancementRound("s1", "e1", "f1", "photo", round(0))
          // The retry stamps another time on the same round: success, no second append.
          yield* store.appendEnhancementRound("s1", "e1", "f1", "photo", round(0, { createdAt: "2025-06-01T12:30:00.000Z" }))
          const different = yield* flipTag(store.appendEnhancementRound("s1", "e1", "f1", "photo", round(0, { params: { gamma: 2 } })))
          const skipped = yield* flipTag(store.appendEnhancementRound("s1", "e1", "f1", "photo", round(2)))
          const again = yield* store.markEnhancementItemProcessing("s1", "e1", "f1", "photo", future())
          yield* store.appendEnhancementRound("s1", "e1", "f1", "photo", round(1))
          yield* store.appendEnhancementRound("s1", "e1", "f1", "photo", round(1))
          return { created, again, different, skipped, stored: yield* store.getEnhancementItem("s1", "e1", "f1") }
        })
      )
      expect(out.created).toMatchObject({ fileId: "f1", kind: "photo", status: "processing", rounds: [], currentRound: -1 })
      expect([out.different, out.skipped]).toEqual(["StoreConflictError", "StoreConflictError"])
      // A new round keeps the history while it runs.
      expect(out.again).toMatchObject({ status: "processing", currentRound: 0 })
      expect(out.again.rounds).toHaveLength(1)
      expect(out.stored?.status).toBe("done")
      expect(out.stored?.currentRound).toBe(1)
      expect(out.stored?.rounds).toEqual([round(0), round(1)])
    })

    it("never lets a video land in a photo's slot", async () => {
      const out = await withStore((store) =>
        Effect.gen(function* () {
          yield* store.markEnhancementItemProcessing("s1", "e1", "f1", "photo", future())
          yield* store.appendEnhancementRound("s1", "e1", "f1", "photo", round(0))
          return {
            mark: yield* flipTag(store.markEnhancementItemProcessing("s1", "e1", "f1", "video", future())),
            append: yield* flipTag(store.appendEnhancementRound("s1", "e1", "f1", "video", round(1, { previewKey: "p" }))),
            noRecord: yield* flipTag(store.appendEnhancementRound("s1", "e1", "f9", "video", round(0))),
            stored: yield* store.getEnhancementItem("s1", "e1", "f1")
          }
        })
      )
      expect([out.mark, out.append, out.noRecord]).toEqual(["StoreConflictError", "StoreConflictError", "StoreConflictError"])
      expect(out.stored).toMatchObject({ kind: "photo", status: "done", currentRound: 0 })
    })

    it("lists a job's items by Query across pages, skipping expired ones and other jobs, reading recorder-written failures", async () => {
      const out = await withStore(
        (store, storage) =>
          Effect.gen(function* () {
            for (const fileId of ["f3", "f1", "f2", "f4"]) {
              yield* store.markEnhancementItemProcessing("s1", "e1", fileId, fileId === "f4" ? "video" : "photo", fileId === "f2" ? past() : future())
            }
            yield* store.appendEnhancementRound("s1", "e1", "f1", "photo", round(0))
            yield* store.markEnhancementItemProcessing("s1", "e2", "f1", "photo", future())
            // What the state machine's RecordItemFailed writes for an item whose worker never ran.
            const { client } = yield* DynamoDb
            yield* Effect.promise(() =>
              client.send(
                new UpdateItemCommand({
                  TableName: storage.tableName,
                  Key: { PK: { S: Keys.pk("s1") }, SK: { S: Keys.enhanceItem("e1", "f5") } },
                  UpdateExpression:
                    "SET #status = :failed, #errorTag = :tag, #errorMessage = :message, #fileId = :fileId, #expiresAt = :expiresAt, " +
                    "#kind = if_not_exists(#kind, :kind), #rounds = if_not_exists(#rounds, :noRounds), #currentRound = if_not_exists(#currentRound, :noRound)",
                  ExpressionAttributeNames: {
                    "#status": "status",
                    "#errorTag": "errorTag",
                    "#errorMessage": "errorMessage",
                    "#fileId": "fileId",
                    "#expiresAt": "expiresAt",
                    "#kind": "kind",
                    "#rounds": "rounds",
                    "#currentRound": "currentRound"
                  },
                  ExpressionAttributeValues: {
                    ":failed": { S: "failed" },
                    ":tag": { S: "CorruptMediaError" },
                    ":message": { S: JSON.stringify({ errorType: "CorruptMediaError", errorMessage: "truncated JPEG", trace: [] }) },
                    ":fileId": { S: "f5" },
                    ":expiresAt": { N: String(future()) },
                    ":kind": { S: "photo" },
                    ":noRounds": { L: [] },
                    ":noRound": { N: "-1" }
                  }
                })
              )
            )
            return yield* store.listEnhancementItems("s1", "e1")
          }),
        { pageSize: 2 }
      )
      expect(out.map((r) => [r.fileId, r.kind, r.status, r.currentRound])).toEqual([
        ["f1", "photo", "done", 0],
        ["f3", "photo", "processing", -1],
        ["f4", "video", "processing", -1],
        ["f5", "photo", "failed", -1]
      ])
      expect(out.at(-1)).toMatchObject({ errorTag: "CorruptMediaError", errorMessage: "truncated JPEG", rounds: [] })
    })

    it("lists a session's enhancement jobs oldest first, skipping item, acceptance, expired and other sessions' records", async () => {
      const out = await withStore(
        (store) =>
          Effect.gen(function* () {
            yield* store.createEnhancementJob("s1", enhanceJob("e2", { startedAt: "2025-06-01T12:05:00.000Z", selectionJobId: "sel2" }))
            yield* store.createEnhancementJob("s1", enhanceJob("e1", { startedAt: "2025-06-01T12:00:00.000Z" }))
            yield* store.createEnhancementJob("s1", enhanceJob("e0", { startedAt: "2025-06-01T12:05:00.000Z" }))
            yield* store.createEnhancementJob("s1", enhanceJob("old", { expiresAt: past() }))
            yield* store.createEnhancementJob("s2", enhanceJob("other"))
            yield* store.markEnhancementItemProcessing("s1", "e1", "f1", "photo", future())
            yield* store.putEnhancementAcceptance("s1", { jobId: "e1", choices: [], acceptedAt: "2025-06-01T13:00:00.000Z", expiresAt: future() })
            return { s1: yield* store.listEnhancementJobs("s1"), none: yield* store.listEnhancementJobs("s3") }
          }),
        { pageSize: 2 }
      )
      expect(out.s1.map((j) => [j.jobId, j.selectionJobId])).toEqual([
        ["e1", "sel1"],
        ["e0", "sel1"],
        ["e2", "sel2"]
      ])
      expect(out.s1[0]?.items).toEqual(enhanceJob("e1").items)
      expect(out.none).toEqual([])
    })

    it("begins a feedback round once: a double request, a stale round, another kind or a missing record conflict", async () => {
      const out = await withStore((store) =>
        Effect.gen(function* () {
          const begin = (over: Partial<{ kind: "photo" | "video"; expectedCurrentRound: number }> = {}) =>
            store.beginEnhancementRound("s1", "e1", "f1", { kind: "photo", expectedCurrentRound: 0, feedback: "brighter", execution: "e1-f1-r1", startedAt: "2026-11-30T12:00:00.000Z", ...over })
          const missing = yield* flipTag(begin())
          yield* store.markEnhancementItemProcessing("s1", "e1", "f1", "photo", future())
          const whileFirstPass = yield* flipTag(begin({ expectedCurrentRound: -1 }))
          yield* store.appendEnhancementRound("s1", "e1", "f1", "photo", round(0))
          const stale = yield* flipTag(begin({ expectedCurrentRound: 1 }))
          const otherKind = yield* flipTag(begin({ kind: "video" }))
          const begun = yield* begin()
          const doubleClick = yield* flipTag(begin())
          // The worker marks the item processing again: allowed, and the round's fields stay.
          const worker = yield* store.markEnhancementItemProcessing("s1", "e1", "f1", "photo", future())
          yield* store.appendEnhancementRound("s1", "e1", "f1", "photo", round(1))
          return { missing, whileFirstPass, stale, otherKind, begun, doubleClick, worker, stored: yield* store.getEnhancementItem("s1", "e1", "f1") }
        })
      )
      expect([out.missing, out.whileFirstPass, out.stale, out.otherKind, out.doubleClick]).toEqual(Array(5).fill("StoreConflictError"))
      expect(out.begun).toMatchObject({ status: "processing", currentRound: 0, pendingFeedback: "brighter", execution: "e1-f1-r1", errorTag: null })
      expect(out.begun.rounds).toEqual([round(0)])
      expect(out.worker).toMatchObject({ status: "processing", pendingFeedback: "brighter", execution: "e1-f1-r1" })
      expect(out.stored).toMatchObject({ status: "done", currentRound: 1, pendingFeedback: null })
      expect(out.stored?.rounds).toEqual([round(0), round(1)])
    })

    it("fails only a processing item, keeping its rounds", async () => {
      const out = await withStore((store) =>
        Effect.gen(function* () {
          const fail = () => store.failEnhancementItem("s1", "e1", "f1", "JobInterruptedError", "the round's execution ended")
          const missing = yield* flipTag(fail())
          yield* store.markEnhancementItemProcessing("s1", "e1", "f1", "photo", future())
          yield* store.appendEnhancementRound("s1", "e1", "f1", "photo", round(0))
          const done = yield* flipTag(fail())
          yield* store.beginEnhancementRound("s1", "e1", "f1", { kind: "photo", expectedCurrentRound: 0, feedback: "warmer", execution: "x", startedAt: "2026-11-30T12:00:00.000Z" })
          yield* fail()
          const again = yield* flipTag(fail())
          return { missing, done, again, stored: yield* store.getEnhancementItem("s1", "e1", "f1") }
        })
      )
      expect([out.missing, out.done, out.again]).toEqual(["StoreConflictError", "StoreConflictError", "StoreConflictError"])
      expect(out.stored).toMatchObject({
        status: "failed",
        errorTag: "JobInterruptedError",
        errorMessage: "the round's execution ended",
        currentRound: 0,
        pendingFeedback: null
      })
      expect(out.stored?.rounds).toEqual([round(0)])
    })

    it("stores the acceptance, replaces it when accepted again and reads an expired one as absent", async () => {
      const out = await withStore((store) =>
        Effect.gen(function* () {
          const none = yield* store.getEnhancementAcceptance("s1", "e1")
          const first = { jobId: "e1", choices: [{ fileId: "f1", round: 0 }], acceptedAt: "2025-06-01T13:00:00.000Z", expiresAt: future() }
          yield* store.putEnhancementAcceptance("s1", first)
          const read1 = yield* store.getEnhancementAcceptance("s1", "e1")
          const second = { ...first, choices: [{ fileId: "f1", round: 2 }, { fileId: "f2", round: 0 }], acceptedAt: "2025-06-01T13:05:00.000Z" }
          yield* store.putEnhancementAcceptance("s1", second)
          const read2 = yield* store.getEnhancementAcceptance("s1", "e1")
          yield* store.putEnhancementAcceptance("s1", { ...first, jobId: "e2", expiresAt: past() })
          return { none, first, read1, second, read2, expired: yield* store.getEnhancementAcceptance("s1", "e2"), otherSession: yield* store.getEnhancementAcceptance("s2", "e1") }
        })
      )
      expect(out.none).toBeNull()
      expect(out.read1).toEqual(out.first)
      expect(out.read2).toEqual(out.second)
      expect(out.expired).toBeNull()
      expect(out.otherSession).toBeNull()
    })
  })
