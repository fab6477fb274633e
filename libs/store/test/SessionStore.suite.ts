/**
 * THE SessionStore behaviour suite (STYLE.md §7): run against the local
 * dynalite (test/SessionStore.test.ts) and against dynalite through the AWS
 * layer's client construction (test/aws/AwsStores.test.ts). The layer must provide
 * `DynamoDb` too: some cases write records the way Step Functions' DynamoDB
 * integration does (raw `UpdateItem`) or plant malformed ones.
 */
import { UpdateItemCommand } from "@aws-sdk/client-dynamodb"
import { PutCommand, ScanCommand } from "@aws-sdk/lib-dynamodb"
import { Keys, type SelectionItemRecord } from "@curator/contracts"
import { failureOf, runExit, runWith } from "@curator/contracts/testing"
import { Cause, Effect, Exit, type Layer } from "effect"
import { describe, expect, it } from "vitest"
import { DynamoDb, SessionStore } from "../src/index.js"
import { future, job, mediaItem, meta, nowS, past, result, upload } from "./records.js"

/** Options a harness passes to the layer it builds. */
export interface SessionLayerOptions {
  /** Query/Scan page size, to force pagination. */
  readonly pageSize?: number
}

/** One fresh, empty table; `layer()` twice over it models a process restart. */
export interface SessionStorage {
  readonly tableName: string
  readonly layer: (options?: SessionLayerOptions) => Layer.Layer<SessionStore | DynamoDb, unknown>
  readonly dispose: () => Promise<void>
}

type Store = SessionStore["Service"]

const tagOf = (error: unknown) => (typeof error === "object" && error !== null && "_tag" in error ? error._tag : error)
const flipTag = <A, E>(effect: Effect.Effect<A, E>) => Effect.flip(effect).pipe(Effect.map(tagOf))

/** Runs the suite against the storage `fresh` creates (one per test). */
export const sessionStoreSuite = (name: string, fresh: () => Promise<SessionStorage>) =>
  describe(`SessionStore behaviour: ${name}`, () => {
    const withStore = async <A>(
      body: (store: Store, storage: SessionStorage) => Effect.Effect<A, unknown, DynamoDb>,
      options?: SessionLayerOptions
    ) => {
      const storage = await fresh()
      try {
        return await runWith(SessionStore.use((store) => body(store, storage)), storage.layer(options))
      } finally {
        await storage.dispose()
      }
    }

    it("creates and reads a session; a retry with the same meta succeeds, a different one conflicts", async () => {
      const out = await withStore((store) =>
        Effect.gen(function* () {
          const m = meta("s1")
          yield* store.createSession(m)
          yield* store.createSession(m)
          return {
            read: yield* store.getSession("s1"),
            conflict: yield* flipTag(store.createSession({ ...m, tripContext: "Porto" })),
            missing: yield* flipTag(store.getSession("nope")),
            stillFirst: (yield* store.getSession("s1")).tripContext,
            m
          }
        })
      )
      expect(out.read).toEqual(out.m)
      expect(out.conflict).toBe("StoreConflictError")
      expect(out.missing).toBe("NotFoundError")
      expect(out.stillFirst).toBe("Lisbon, June")
    })

    it("adds AI tokens and their cost to the session atomically (absent = 0); a missing session is NotFoundError", async () => {
      const out = await withStore((store) =>
        Effect.gen(function* () {
          yield* store.createSession(meta("s1"))
          const before = yield* store.getSession("s1")
          const totals = yield* Effect.all([store.addTokensUsed("s1", 1200, 900), store.addTokensUsed("s1", 800, 600), store.addTokensUsed("s1", 0)], { concurrency: 3 })
          const after = yield* store.getSession("s1")
          return { before, totals, after, missing: yield* flipTag(store.addTokensUsed("nope", 5)) }
        })
      )
      expect([out.before.tokensUsed, out.before.costMicroUsd]).toEqual([undefined, undefined])
      expect(Math.max(...out.totals)).toBe(2000)
      expect([out.after.tokensUsed, out.after.costMicroUsd]).toEqual([2000, 1500])
      expect(out.missing).toBe("NotFoundError")
    })

    it("declares uploads, marks them uploaded and lists them; uploaded records are only rewritten with the same value", async () => {
      const out = await withStore((store) =>
        Effect.gen(function* () {
          yield* store.putUpload("s1", upload("f2"))
          yield* store.putUpload("s1", upload("f1", { bytes: 10 }))
          yield* store.putUpload("s1", upload("f1")) // a pending declaration may be re-declared
          const marked = yield* store.markUploaded("s1", "f1")
          yield* store.markUploaded("s1", "f1") // idempotent
          yield* store.putUpload("s1", upload("f3", { status: "uploaded" }))
          yield* store.putUpload("s1", upload("f3", { status: "uploaded" })) // same value: success
          return {
            marked,
            list: yield* store.listUploads("s1"),
            conflict: yield* flipTag(store.putUpload("s1", upload("f1", { bytes: 99 }))),
            missing: yield* flipTag(store.markUploaded("s1", "nope")),
            got: yield* store.getUpload("s1", "f2"),
            getMissing: yield* flipTag(store.getUpload("s2", "f2")),
            otherSession: yield* store.listUploads("s2")
          }
        })
      )
      expect(out.marked).toEqual(upload("f1", { status: "uploaded", expiresAt: out.marked.expiresAt }))
      expect(out.list.map((u) => [u.fileId, u.status, u.bytes])).toEqual([
        ["f1", "uploaded", 2_345_678],
        ["f2", "pending", 2_345_678],
        ["f3", "uploaded", 2_345_678]
      ])
      expect(out.conflict).toBe("StoreConflictError")
      expect(out.missing).toBe("NotFoundError")
      expect(out.got).toEqual(upload("f2", { expiresAt: out.got.expiresAt }))
      expect(out.getMissing).toBe("NotFoundError")
      expect(out.otherSession).toEqual([])
    })

    it("creates a selection job idempotently and completes it once; a complete job is never overwritten", async () => {
      const out = await withStore((store) =>
        Effect.gen(function* () {
          const j = job("j1")
          yield* store.createSelectionJob("s1", j)
          yield* store.createSelectionJob("s1", j) // retry, same value
          const createConflict = yield* flipTag(store.createSelectionJob("s1", { ...j, targetCount: 5 }))
          const r = result(["a", "b"])
          yield* store.completeSelectionJob("s1", "j1", r, "2025-06-01T10:09:00.000Z")
          yield* store.completeSelectionJob("s1", "j1", r, "2025-06-01T10:09:30.000Z") // retry, same result
          return {
            createConflict,
            completeConflict: yield* flipTag(store.completeSelectionJob("s1", "j1", result(["b"]), "2025-06-01T10:10:00.000Z")),
            failConflict: yield* flipTag(store.failSelectionJob("s1", "j1", "InternalDefectError", "boom", "2025-06-01T10:11:00.000Z")),
            missingComplete: yield* flipTag(store.completeSelectionJob("s1", "nope", r, "2025-06-01T10:09:00.000Z")),
            missingFail: yield* flipTag(store.failSelectionJob("s1", "nope", "X", "y", "2025-06-01T10:09:00.000Z")),
            missingGet: yield* flipTag(store.getSelectionJob("s1", "nope")),
            stored: yield* store.getSelectionJob("s1", "j1"),
            r
          }
        })
      )
      expect(out.createConflict).toBe("StoreConflictError")
      expect(out.completeConflict).toBe("StoreConflictError")
      expect(out.failConflict).toBe("StoreConflictError")
      expect([out.missingComplete, out.missingFail, out.missingGet]).toEqual(["NotFoundError", "NotFoundError", "NotFoundError"])
      expect(out.stored).toEqual({ ...job("j1", { expiresAt: out.stored.expiresAt }), status: "complete", result: out.r, finishedAt: "2025-06-01T10:09:00.000Z" })
    })

    it("fails a running job with its tag and message; a failed job cannot be completed", async () => {
      const out = await withStore((store) =>
        Effect.gen(function* () {
          yield* store.createSelectionJob("s1", job("j2"))
          yield* store.failSelectionJob("s1", "j2", "AiBadResponseError", "unparseable answer", "2025-06-01T10:12:00.000Z")
          return {
            stored: yield* store.getSelectionJob("s1", "j2"),
            complete: yield* flipTag(store.completeSelectionJob("s1", "j2", result(["a"]), "2025-06-01T10:13:00.000Z"))
          }
        })
      )
      expect(out.stored).toMatchObject({ status: "failed", errorTag: "AiBadResponseError", errorMessage: "unparseable answer", finishedAt: "2025-06-01T10:12:00.000Z", result: null })
      expect(out.complete).toBe("StoreConflictError")
    })

    it("moves an item processing -> done idempotently; done is never overwritten by another value or downgraded to failed", async () => {
      const out = await withStore((store) =>
        Effect.gen(function* () {
          const exp = future()
          const item = mediaItem("f1")
          yield* store.markItemProcessing("s1", "j1", "f1", exp)
          yield* store.markItemProcessing("s1", "j1", "f1", exp) // task retry
          yield* store.putItemDone("s1", "j1", "f1", item, "s1/thumb/f1.jpg", exp)
          yield* store.putItemDone("s1", "j1", "f1", item, "s1/thumb/f1.jpg", exp) // retry, same value
          return {
            doneConflict: yield* flipTag(store.putItemDone("s1", "j1", "f1", { ...item, width: 1 }, "s1/thumb/f1.jpg", exp)),
            failedConflict: yield* flipTag(store.putItemFailed("s1", "j1", "f1", "CorruptMediaError", "truncated", exp)),
            processingConflict: yield* flipTag(store.markItemProcessing("s1", "j1", "f1", exp)),
            items: yield* store.listSelectionItems("s1", "j1"),
            item,
            exp
          }
        })
      )
      expect([out.doneConflict, out.failedConflict, out.processingConflict]).toEqual(["StoreConflictError", "StoreConflictError", "StoreConflictError"])
      expect(out.items).toEqual([
        { fileId: "f1", status: "done", item: out.item, thumbnailKey: "s1/thumb/f1.jpg", errorTag: null, errorMessage: null, expiresAt: out.exp }
      ])
    })

    it("records a failed item over processing; a later done replaces failed", async () => {
      const out = await withStore((store) =>
        Effect.gen(function* () {
          const exp = future()
          yield* store.markItemProcessing("s1", "j1", "f1", exp)
          yield* store.putItemFailed("s1", "j1", "f1", "CorruptMediaError", "truncated JPEG", exp)
          yield* store.putItemFailed("s1", "j1", "f1", "CorruptMediaError", "truncated JPEG", exp)
          const failed = yield* store.listSelectionItems("s1", "j1")
          const processingAgain = yield* flipTag(store.markItemProcessing("s1", "j1", "f1", exp))
          yield* store.putItemDone("s1", "j1", "f1", mediaItem("f1"), "s1/thumb/f1.jpg", exp)
          return { failed, processingAgain, after: yield* store.listSelectionItems("s1", "j1") }
        })
      )
      expect(out.failed.map((r) => [r.status, r.errorTag, r.errorMessage, r.item])).toEqual([["failed", "CorruptMediaError", "truncated JPEG", null]])
      expect(out.processingAgain).toBe("StoreConflictError")
      expect(out.after.map((r) => r.status)).toEqual(["done"])
    })

    it("derives progress by a Query over item records (N items -> counts); jobs and other jobs' items are not counted", async () => {
      const counts = await withStore((store) =>
        Effect.gen(function* () {
          const exp = future()
          yield* store.createSelectionJob("s1", job("j1", { fileCount: 10 }))
          for (let i = 0; i < 10; i++) {
            const fileId = `f${String(i).padStart(2, "0")}`
            if (i < 7) yield* store.markItemProcessing("s1", "j1", fileId, exp) // f07..f09: pending (no record)
            if (i < 4) yield* store.putItemDone("s1", "j1", fileId, mediaItem(fileId), `s1/thumb/${fileId}.jpg`, exp)
            else if (i < 6) yield* store.putItemFailed("s1", "j1", fileId, "UnsupportedMediaError", "not media", exp)
          }
          yield* store.markItemProcessing("s1", "j10", "x", exp) // a job id sharing the prefix "j1"
          yield* store.markItemProcessing("s2", "j1", "y", exp)
          const items = yield* store.listSelectionItems("s1", "j1")
          const by = (status: SelectionItemRecord["status"]) => items.filter((r) => r.status === status).length
          return { done: by("done"), failed: by("failed"), processing: by("processing"), ids: items.map((r) => r.fileId) }
        })
      )
      expect(counts).toEqual({ done: 4, failed: 2, processing: 1, ids: ["f00", "f01", "f02", "f03", "f04", "f05", "f06"] })
    })

    it("filters expired records on read and sweeps them", async () => {
      const out = await withStore((store, storage) =>
        Effect.gen(function* () {
          yield* store.createSession(meta("old", { expiresAt: past() }))
          yield* store.createSession(meta("live"))
          yield* store.putUpload("live", upload("gone", { expiresAt: past() }))
          yield* store.putUpload("live", upload("kept"))
          yield* store.markItemProcessing("live", "j1", "gone", past())
          yield* store.markItemProcessing("live", "j1", "kept", future())
          yield* store.createSelectionJob("live", job("old-job", { expiresAt: past() }))
          const before = {
            session: yield* flipTag(store.getSession("old")),
            job: yield* flipTag(store.getSelectionJob("live", "old-job")),
            uploads: (yield* store.listUploads("live")).map((u) => u.fileId),
            items: (yield* store.listSelectionItems("live", "j1")).map((r) => r.fileId),
            running: (yield* store.listRunningSelectionJobs()).map((j) => j.jobId)
          }
          const swept = yield* store.sweepExpired(nowS())
          const { document } = yield* DynamoDb
          const scan = yield* Effect.promise(() => document.send(new ScanCommand({ TableName: storage.tableName })))
          return { before, swept, left: (scan.Items ?? []).map((i) => `${i["PK"]} ${i["SK"]}`).sort(), again: yield* store.sweepExpired(nowS()) }
        })
      )
      expect(out.before).toEqual({ session: "NotFoundError", job: "NotFoundError", uploads: ["kept"], items: ["kept"], running: [] })
      expect(out.swept).toBe(4)
      expect(out.left).toEqual(["SESSION#live META", "SESSION#live SELECTION#j1#ITEM#kept", "SESSION#live UPLOAD#kept"])
      expect(out.again).toBe(0)
    })

    it("lists running selection jobs across sessions", async () => {
      const running = await withStore((store) =>
        Effect.gen(function* () {
          yield* store.createSelectionJob("s1", job("a"))
          yield* store.createSelectionJob("s2", job("b"))
          yield* store.createSelectionJob("s2", job("c"))
          yield* store.completeSelectionJob("s2", "c", result(["x"]), "2025-06-01T10:09:00.000Z")
          yield* store.markItemProcessing("s1", "a", "f1", future())
          return yield* store.listRunningSelectionJobs()
        }),
        { pageSize: 2 }
      )
      expect(running.map((j) => [j.sessionId, j.jobId, j.record.status]).sort()).toEqual([
        ["s1", "a", "running"],
        ["s2", "b", "running"]
      ])
    })

    it("reads records written by the Step Functions DynamoDB integration: missing attributes are null, Lambda causes unwrapped", async () => {
      const out = await withStore((store, storage) =>
        Effect.gen(function* () {
          const { client } = yield* DynamoDb
          yield* store.createSelectionJob("s1", job("j1"))
          const cause = JSON.stringify({ errorType: "CorruptMediaError", errorMessage: "truncated HEIC: no mdat box", trace: ["at x"] })
          // RecordItemFailed of the selection ASL, on an item the worker never wrote.
          yield* Effect.promise(() =>
            client.send(
              new UpdateItemCommand({
                TableName: storage.tableName,
                Key: { PK: { S: Keys.pk("s1") }, SK: { S: Keys.selectionItem("j1", "f9") } },
                UpdateExpression: "SET #status = :failed, #errorTag = :errorTag, #errorMessage = :errorMessage, #fileId = :fileId, #expiresAt = :expiresAt",
                ConditionExpression: "attribute_not_exists(#status) OR #status <> :done",
                ExpressionAttributeNames: { "#status": "status", "#errorTag": "errorTag", "#errorMessage": "errorMessage", "#fileId": "fileId", "#expiresAt": "expiresAt" },
                ExpressionAttributeValues: {
                  ":failed": { S: "failed" },
                  ":done": { S: "done" },
                  ":errorTag": { S: "CorruptMediaError" },
                  ":errorMessage": { S: cause },
                  ":fileId": { S: "f9" },
                  ":expiresAt": { N: String(future()) }
                }
              })
            )
          )
          // RecordJobFailed: status, errorTag, errorMessage and finishedAt (from $$.State.EnteredTime).
          yield* Effect.promise(() =>
            client.send(
              new UpdateItemCommand({
                TableName: storage.tableName,
                Key: { PK: { S: Keys.pk("s1") }, SK: { S: Keys.selectionJob("j1") } },
                UpdateExpression: "SET #status = :failed, #errorTag = :errorTag, #errorMessage = :errorMessage, #finishedAt = :finishedAt",
                ConditionExpression: "#status <> :complete",
                ExpressionAttributeNames: { "#status": "status", "#errorTag": "errorTag", "#errorMessage": "errorMessage", "#finishedAt": "finishedAt" },
                ExpressionAttributeValues: {
                  ":failed": { S: "failed" },
                  ":complete": { S: "complete" },
                  ":errorTag": { S: "States.Timeout" },
                  ":errorMessage": { S: "The execution timed out" },
                  ":finishedAt": { S: "2026-11-30T12:00:00.000Z" }
                }
              })
            )
          )
          return { items: yield* store.listSelectionItems("s1", "j1"), job: yield* store.getSelectionJob("s1", "j1") }
        })
      )
      expect(out.items).toEqual([
        { fileId: "f9", status: "failed", item: null, thumbnailKey: null, errorTag: "CorruptMediaError", errorMessage: "truncated HEIC: no mdat box", expiresAt: out.items[0]?.expiresAt }
      ])
      expect(out.job).toMatchObject({ status: "failed", errorTag: "States.Timeout", errorMessage: "The execution timed out", finishedAt: "2026-11-30T12:00:00.000Z", result: null })
    })

    it("treats a malformed record as a defect with a clear message", async () => {
      const storage = await fresh()
      try {
        const exit = await runExit(
          Effect.gen(function* () {
            const { document } = yield* DynamoDb
            yield* Effect.promise(() =>
              document.send(
                new PutCommand({
                  TableName: storage.tableName,
                  Item: { PK: Keys.pk("s1"), SK: Keys.selectionItem("j1", "bad"), fileId: "bad", status: "exploded", expiresAt: future() }
                })
              )
            )
            return yield* SessionStore.use((store) => store.listSelectionItems("s1", "j1"))
          }),
          storage.layer()
        )
        expect(Exit.isFailure(exit) && Cause.hasDies(exit.cause)).toBe(true)
        expect(String(failureOf(exit))).toMatch(/malformed selection item record in the session table: .*status/s)
      } finally {
        await storage.dispose()
      }
    })

    it("reads every page of a Query and a Scan", async () => {
      const out = await withStore(
        (store) =>
          Effect.gen(function* () {
            const exp = future()
            yield* Effect.forEach(
              Array.from({ length: 23 }, (_, i) => `f${String(i).padStart(2, "0")}`),
              (fileId) => store.putItemDone("s1", "j1", fileId, mediaItem(fileId), `s1/thumb/${fileId}.jpg`, exp),
              { concurrency: 4 }
            )
            yield* Effect.forEach(["a", "b", "c", "d", "e"], (jobId) => store.createSelectionJob(`s-${jobId}`, job(jobId)))
            return { items: yield* store.listSelectionItems("s1", "j1"), running: yield* store.listRunningSelectionJobs() }
          }),
        { pageSize: 4 }
      )
      expect(out.items.map((r) => r.fileId)).toEqual(Array.from({ length: 23 }, (_, i) => `f${String(i).padStart(2, "0")}`))
      expect(out.running.map((j) => j.jobId).sort()).toEqual(["a", "b", "c", "d", "e"])
    })

    it("lists a session's selection jobs oldest first, skipping item records and other sessions", async () => {
      const out = await withStore((store) =>
        Effect.gen(function* () {
          yield* store.createSelectionJob("s1", job("j2", { startedAt: "2025-06-01T11:00:00.000Z" }))
          yield* store.createSelectionJob("s1", job("j1", { startedAt: "2025-06-01T10:00:00.000Z" }))
          yield* store.createSelectionJob("s1", job("old", { expiresAt: past() }))
          yield* store.createSelectionJob("s2", job("other"))
          yield* store.putItemDone("s1", "j1", "f1", mediaItem("f1"), "s1/thumb/f1.jpg", future())
          yield* store.markItemProcessing("s1", "j2", "f2", future())
          return { s1: yield* store.listSelectionJobs("s1"), none: yield* store.listSelectionJobs("s3") }
        }),
        { pageSize: 1 }
      )
      expect(out.s1.map((j) => j.jobId)).toEqual(["j1", "j2"])
      expect(out.none).toEqual([])
    })

    it("stores review overrides per item (last write wins, reset deletes) and closes them once the review is confirmed", async () => {
      const out = await withStore((store) =>
        Effect.gen(function* () {
          const at = "2025-06-01T12:00:00.000Z"
          yield* store.putOverride("s1", "j1", { fileId: "f2", action: "exclude", updatedAt: at, expiresAt: future() })
          yield* store.putOverride("s1", "j1", { fileId: "f1", action: "exclude", updatedAt: at, expiresAt: future() })
          yield* store.putOverride("s1", "j1", { fileId: "f1", action: "include", updatedAt: at, expiresAt: future() })
          yield* store.putOverride("s1", "j1", { fileId: "f3", action: "include", updatedAt: at, expiresAt: future() })
          yield* store.deleteOverride("s1", "j1", "f3")
          yield* store.deleteOverride("s1", "j1", "never-set")
          yield* store.putOverride("s1", "j2", { fileId: "f1", action: "exclude", updatedAt: at, expiresAt: future() })
          const before = yield* store.getReview("s1", "j1")
          const first = yield* store.confirmReview("s1", { jobId: "j1", confirmedAt: "2025-06-01T12:05:00.000Z", expiresAt: future() })
          const again = yield* store.confirmReview("s1", { jobId: "j1", confirmedAt: "2025-06-01T12:09:00.000Z", expiresAt: future() })
          return {
            overrides: (yield* store.listOverrides("s1", "j1")).map((o) => [o.fileId, o.action]),
            otherJob: (yield* store.listOverrides("s1", "j2")).map((o) => [o.fileId, o.action]),
            before,
            first: first.confirmedAt,
            again: again.confirmedAt,
            stored: (yield* store.getReview("s1", "j1"))?.confirmedAt,
            putAfter: yield* flipTag(store.putOverride("s1", "j1", { fileId: "f2", action: "include", updatedAt: at, expiresAt: future() })),
            deleteAfter: yield* flipTag(store.deleteOverride("s1", "j1", "f2")),
            after: (yield* store.listOverrides("s1", "j1")).map((o) => [o.fileId, o.action])
          }
        })
      )
      expect(out.overrides).toEqual([["f1", "include"], ["f2", "exclude"]])
      expect(out.otherJob).toEqual([["f1", "exclude"]])
      expect(out.before).toBeNull()
      expect([out.first, out.again, out.stored]).toEqual(["2025-06-01T12:05:00.000Z", "2025-06-01T12:05:00.000Z", "2025-06-01T12:05:00.000Z"])
      expect([out.putAfter, out.deleteAfter]).toEqual(["StoreConflictError", "StoreConflictError"])
      expect(out.after).toEqual(out.overrides)
    })

    it("keeps records across a restart on the same storage", async () => {
      const storage = await fresh()
      try {
        await runWith(
          SessionStore.use((store) =>
            Effect.gen(function* () {
              yield* store.createSession(meta("s1"))
              yield* store.createSelectionJob("s1", job("j1"))
              yield* store.putItemDone("s1", "j1", "f1", mediaItem("f1"), "s1/thumb/f1.jpg", future())
            })
          ),
          storage.layer()
        )
        const out = await runWith(
          SessionStore.use((store) =>
            Effect.all({
              session: store.getSession("s1"),
              job: store.getSelectionJob("s1", "j1"),
              items: store.listSelectionItems("s1", "j1"),
              running: store.listRunningSelectionJobs()
            })
          ),
          storage.layer()
        )
        expect(out.session.tripContext).toBe("Lisbon, June")
        expect(out.job.status).toBe("running")
        expect(out.items.map((r) => [r.fileId, r.status, r.item?.model])).toEqual([["f1", "done", "iPhone 14"]])
        expect(out.running.map((j) => [j.sessionId, j.jobId])).toEqual([["s1", "j1"]])
      } finally {
        await storage.dispose()
      }
    })
  })
