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
  })
