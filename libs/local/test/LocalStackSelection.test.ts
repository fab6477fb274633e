/**
 * The local stack end to end for the selection: the SelectionPipeline run by
 * the LocalOrchestrator with its Task states bound to the real thumbnail and
 * selection task programs (sharp, the offline SelectionModel), records in the
 * embedded dynalite, blobs in the folder store.
 *
 * Arrival order: the selection task lists a job's item records by sort key,
 * i.e. by fileId — random per upload over the API. Here the fileIds are fixed
 * and the file names are permuted over them, so every arrival order of the
 * copies is run.
 */
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { BlobKeys, type SelectionJobInput, type SelectionResult } from "@curator/contracts"
import { runWith } from "@curator/contracts/testing"
import { Orchestrator } from "@curator/orchestration"
import { BlobStore, SessionStore } from "@curator/store"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { LocalOrchestrator } from "../src/LocalOrchestrator.js"
import { LocalStack } from "../src/LocalStack.js"

const fixtures = path.resolve(import.meta.dirname, "../../../../shared/fixtures/media")
let dataDir: string
beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "curator-localstack-selection-"))
})
afterAll(() => fs.rm(dataDir, { recursive: true, force: true }))

const expiresAt = Math.floor(Date.now() / 1000) + 3600

/** Every ordering of `list`. */
const permutations = <T>(list: ReadonlyArray<T>): Array<Array<T>> =>
  list.length <= 1 ? [[...list]] : list.flatMap((x, i) => permutations([...list.slice(0, i), ...list.slice(i + 1)]).map((rest) => [x, ...rest]))

/** Runs one selection job over `files` (name -> fixture) with the given fileIds; the job's result. */
const runSelection = (sessionId: string, files: ReadonlyArray<{ fileId: string; fileName: string; fixture: string }>) =>
  runWith(
    Effect.gen(function* () {
      const blobs = yield* BlobStore
      const sessions = yield* SessionStore
      const local = yield* LocalOrchestrator
      const input: SelectionJobInput = {
        sessionId,
        jobId: `sel-${sessionId}`,
        tripContext: "copies",
        targetCount: 10,
        expiresAt,
        files: files.map((f) => ({ fileId: f.fileId, key: BlobKeys.original(sessionId, f.fileId, "jpg"), fileName: f.fileName }))
      }
      for (const f of files) yield* blobs.putFile(BlobKeys.original(sessionId, f.fileId, "jpg"), path.join(fixtures, f.fixture), "image/jpeg")
      yield* sessions.createSelectionJob(sessionId, {
        jobId: input.jobId,
        status: "running",
        fileCount: files.length,
        tripContext: input.tripContext,
        targetCount: input.targetCount,
        startedAt: new Date().toISOString(),
        finishedAt: null,
        errorTag: null,
        errorMessage: null,
        result: null,
        expiresAt
      })
      yield* Orchestrator.use((o) => o.startSelection(input))
      const status = yield* local.awaitCompletion(input.jobId)
      const job = yield* sessions.getSelectionJob(sessionId, input.jobId)
      return { status, job }
    }),
    LocalStack.layer({ dataDir, retryIntervalOverrides: {} })
  )

describe("LocalStack selection", () => {
  it(
    "duplicate copies make a photo vanish: over the selection task, in every arrival order, one copy is kept and picked, the others are its duplicates",
    { timeout: 300_000 },
    async () => {
      const names = ["IMG_1234.jpg", "IMG_1234 (1).jpg", "IMG_1234 copy.jpg"]
      const ids = ["f-a", "f-b", "f-c"]
      const outcomes: Array<{ result: SelectionResult; byName: Map<string, string> }> = []
      for (const [n, order] of permutations(names).entries()) {
        const files = [
          ...order.map((fileName, k) => ({ fileId: ids[k]!, fileName, fixture: "jpeg-nikon-coolpix-p6000-gps.jpg" })),
          { fileId: "f-d", fileName: "DSC00010.jpg", fixture: "jpeg-sony-dsc-hx5v-gps.jpg" }
        ]
        const { status, job } = await runSelection(`copies${n}`, files)
        expect(status).toEqual({ status: "SUCCEEDED" })
        expect(job.status).toBe("complete")
        const result = job.result!
        const byName = new Map(files.map((f) => [f.fileName, f.fileId]))
        const kept = byName.get("IMG_1234.jpg")!
        expect(result.selected.map((s) => s.fileId).sort()).toEqual([kept, "f-d"].sort())
        expect(result.excluded.filter((e) => e.category === "unprocessable")).toEqual([])
        for (const name of ["IMG_1234 (1).jpg", "IMG_1234 copy.jpg"]) {
          expect(result.excluded.find((e) => e.fileId === byName.get(name))).toEqual({
            fileId: byName.get(name),
            category: "near-duplicate",
            duplicateOf: kept,
            reason: "Exact duplicate of IMG_1234.jpg: same content hash"
          })
        }
        outcomes.push({ result, byName })
      }
      // The same result in every order, once fileIds are read as the names they stand for.
      const byNames = outcomes.map(({ result, byName }) => {
        const nameOf = new Map([...byName].map(([name, id]) => [id, name]))
        return JSON.parse(JSON.stringify(result).replace(/"f-[a-d]"/g, (id) => JSON.stringify(nameOf.get(JSON.parse(id)))))
      })
      for (const r of byNames) expect(r).toEqual(byNames[0])
    }
  )
})
