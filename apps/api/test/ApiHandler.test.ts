/**
 * The API handler end to end over real local stores: the happy path
 * (session -> upload targets -> stored bytes -> complete -> selection ->
 * status -> overrides -> confirm -> media URLs) and every bad request of
 * issue 3 "Must show" answered with a 4xx and a clear `{ error: { tag, message } }`.
 */
import { UploadLimits } from "@curator/contracts"
import { BlobStore, SessionStore } from "@curator/store"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { START_GRACE_SECONDS } from "../src/index.js"
import { storeUpload, type TestApi, uploadRecord, withApi } from "./harness.js"

const photo = (name: string, size = 1000) => ({ name, type: "image/jpeg", size })

/** A session with `files` declared, stored and completed. */
const sessionWithUploads = async (api: TestApi, files: ReadonlyArray<{ name: string; type: string; size: number }>) => {
  const created = await api.call("POST", "/api/sessions", { tripContext: "Lisbon" })
  expect(created.status).toBe(200)
  const sessionId: string = created.body.sessionId
  const targets = await api.call("POST", `/api/sessions/${sessionId}/uploads`, { files })
  expect(targets.status).toBe(200)
  for (const t of targets.body.uploads) {
    const record = await uploadRecord(api, sessionId, t.fileId)
    await storeUpload(api, record.key, record.bytes, record.mime)
    const done = await api.call("POST", `/api/sessions/${sessionId}/uploads/${t.fileId}/complete`)
    expect(done.status).toBe(200)
  }
  return { sessionId, fileIds: targets.body.uploads.map((t: { fileId: string }) => t.fileId) as Array<string> }
}

const expectError = (res: { status: number; body: any }, status: number, tag: string, message: RegExp) => {
  expect(res.status).toBe(status)
  expect(res.body.error.tag).toBe(tag)
  expect(res.body.error.message).toMatch(message)
}

describe("API: happy path", () => {
  it("creates a session with a random 128-bit base32 id and resumes it", () =>
    withApi(async (api) => {
      const a = await api.call("POST", "/api/sessions", { tripContext: "  A weekend in Porto " })
      const b = await api.call("POST", "/api/sessions", {})
      expect(a.body.sessionId).toMatch(/^[a-z2-7]{26}$/)
      expect(a.body.sessionId).not.toBe(b.body.sessionId)
      expect(a.body.tripContext).toBe("A weekend in Porto")
      const state = await api.call("GET", `/api/sessions/${a.body.sessionId}`)
      expect(state.status).toBe(200)
      expect(state.body).toEqual({ session: a.body, uploads: [], selection: null, review: null, enhancement: null, generation: 0, postCount: 0, download: null, tokensUsed: 0, costUsd: 0 })
    }))

  it("hands out signed PUT targets binding type and size; two files with the same name are both kept", () =>
    withApi(async (api) => {
      const { body: session } = await api.call("POST", "/api/sessions", {})
      const res = await api.call("POST", `/api/sessions/${session.sessionId}/uploads`, {
        files: [
          { name: "IMG_1.HEIC", type: "image/heic", size: 2_000_000 },
          { name: "IMG_1.HEIC", type: "image/heic", size: 2_000_001 },
          { name: "IMG_1.MOV", type: "video/quicktime", size: 3_000_000_000 }
        ]
      })
      expect(res.status).toBe(200)
      const [a, b, c] = res.body.uploads
      expect(new Set([a.fileId, b.fileId, c.fileId]).size).toBe(3)
      expect(a).toMatchObject({ name: "IMG_1.HEIC", method: "PUT", headers: { "Content-Type": "image/heic" } })
      const url = new URL(c.uploadUrl, "http://127.0.0.1")
      expect(url.pathname).toBe(`/blob/${session.sessionId}/original/${c.fileId}.mov`)
      expect(Object.fromEntries(url.searchParams)).toMatchObject({ m: "PUT", ct: "video/quicktime", len: "3000000000", exp: String(c.expiresAt) })
      const state = await api.call("GET", `/api/sessions/${session.sessionId}`)
      expect(state.body.uploads.map((u: any) => [u.name, u.size, u.status]).sort()).toEqual(
        [["IMG_1.HEIC", 2_000_000, "pending"], ["IMG_1.HEIC", 2_000_001, "pending"], ["IMG_1.MOV", 3_000_000_000, "pending"]].sort()
      )
    }))

  it("runs session -> uploads -> complete -> selection -> per-file progress -> review -> media URLs", () =>
    withApi(async (api) => {
      const { sessionId, fileIds } = await sessionWithUploads(api, [photo("a.jpg"), photo("b.jpg"), { name: "c.heic", type: "image/heic", size: 500 }])
      const start = await api.call("POST", `/api/sessions/${sessionId}/selection`, { targetCount: 2 })
      expect(start.status).toBe(200)
      const jobId: string = start.body.jobId
      const input = api.started.get(jobId)!
      expect(input).toMatchObject({ sessionId, jobId, tripContext: "Lisbon", targetCount: 2 })
      expect(input.files.map((f) => f.fileId).sort()).toEqual([...fileIds].sort())

      // Progress from item records: one done, one failed, one without a record (pending).
      const [f1, f2, f3] = fileIds as [string, string, string]
      await api.run(
        SessionStore.use((s) =>
          s.markItemProcessing(sessionId, jobId, f1, input.expiresAt).pipe(
            Effect.andThen(s.putItemFailed(sessionId, jobId, f2, "CorruptMediaError", "truncated JPEG", input.expiresAt))
          )
        )
      )
      const running = await api.call("GET", `/api/sessions/${sessionId}/selection/${jobId}`)
      expect(running.status).toBe(200)
      expect(running.body.status).toBe("running")
      expect(running.body.counts).toEqual({ total: 3, pending: 1, processing: 1, done: 0, failed: 1 })
      const byId = new Map(running.body.files.map((f: any) => [f.fileId, f]))
      expect(byId.get(f2)).toMatchObject({ status: "failed", reason: { tag: "CorruptMediaError", message: "truncated JPEG" } })
      expect(byId.get(f3)).toMatchObject({ status: "pending", reason: null })

      // Overrides need a complete job.
      expectError(await api.call("PUT", `/api/sessions/${sessionId}/selection/${jobId}/overrides`, { fileId: f1, action: "exclude" }), 409, "InvalidInputError", /running/)
      const result = { model: "offline", selected: [], excluded: [], sceneGroups: [] }
      await api.run(SessionStore.use((s) => s.completeSelectionJob(sessionId, jobId, result, new Date().toISOString())))
      api.setExecution(jobId, "SUCCEEDED")
      const complete = await api.call("GET", `/api/sessions/${sessionId}/selection/${jobId}`)
      expect(complete.body).toMatchObject({ status: "complete", error: null, result })

      const put = (fileId: string, action: string) => api.call("PUT", `/api/sessions/${sessionId}/selection/${jobId}/overrides`, { fileId, action })
      await put(f1, "exclude")
      await put(f3, "include")
      await put(f1, "reset")
      const review = await put(f2, "include")
      expect(review.body).toEqual({
        jobId,
        overrides: [{ fileId: f2, action: "include" }, { fileId: f3, action: "include" }].sort((a, b) => a.fileId.localeCompare(b.fileId)),
        confirmed: false,
        confirmedAt: null
      })
      const resumed = await api.call("GET", `/api/sessions/${sessionId}`)
      expect(resumed.body.selection).toMatchObject({ jobId, status: "complete" })
      expect(resumed.body.review.overrides).toEqual(review.body.overrides)

      const confirmed = await api.call("POST", `/api/sessions/${sessionId}/selection/${jobId}/confirm`)
      expect(confirmed.body.confirmed).toBe(true)
      expectError(await put(f1, "exclude"), 409, "StoreConflictError", /confirmed/)

      const original = await api.call("GET", `/api/sessions/${sessionId}/media/${f1}/original-url`)
      expect(original.status).toBe(200)
      expect(original.body).toMatchObject({ contentType: "image/jpeg", variant: "original" })
      expect(original.body.url).toMatch(new RegExp(`^/blob/${sessionId}/original/${f1}\\.jpg\\?m=GET&`))
      expectError(await api.call("GET", `/api/sessions/${sessionId}/media/${f1}/thumbnail-url`), 404, "NotFoundError", /thumbnail/)
      await api.run(BlobStore.use((b) => b.put(`${sessionId}/thumb/${f3}.jpg`, new Uint8Array(10), "image/jpeg")))
      const preview = await api.call("GET", `/api/sessions/${sessionId}/media/${f3}/preview-url`)
      expect(preview.body).toMatchObject({ variant: "thumbnail", contentType: "image/jpeg" })
    }))

  it("fails a job whose execution ended without an outcome (JobInterruptedError); a retry is a new job", () =>
    withApi(async (api) => {
      const { sessionId } = await sessionWithUploads(api, [photo("a.jpg")])
      const first = (await api.call("POST", `/api/sessions/${sessionId}/selection`, {})).body.jobId
      expectError(await api.call("POST", `/api/sessions/${sessionId}/selection`, {}), 409, "StoreConflictError", /still running/)
      api.setExecution(first, "UNKNOWN")
      // Just started: an execution the orchestrator does not know yet may still be starting.
      expect((await api.call("GET", `/api/sessions/${sessionId}/selection/${first}`)).body.status).toBe("running")
      api.advanceClock((START_GRACE_SECONDS + 1) * 1000)
      const status = await api.call("GET", `/api/sessions/${sessionId}/selection/${first}`)
      expect(status.body.status).toBe("failed")
      expect(status.body.error.tag).toBe("JobInterruptedError")
      expect(status.body.files.map((f: any) => f.status)).toEqual(["failed"])
      const retry = await api.call("POST", `/api/sessions/${sessionId}/selection`, {})
      expect(retry.status).toBe(200)
      expect(retry.body.jobId).not.toBe(first)
      expect(api.started.get(retry.body.jobId)!.targetCount).toBe(20)
      const state = await api.call("GET", `/api/sessions/${sessionId}`)
      expect(state.body.selection).toMatchObject({ jobId: retry.body.jobId, status: "running" })
    }))
})

describe("API: bad requests get a 4xx with a clear message", () => {
  it("unknown session -> 404 on every route", () =>
    withApi(async (api) => {
      const ghost = "aaaaaaaaaaaaaaaaaaaaaaaaaa"
      for (const [method, p, body] of [
        ["GET", `/api/sessions/${ghost}`],
        ["POST", `/api/sessions/${ghost}/uploads`, { files: [photo("a.jpg")] }],
        ["POST", `/api/sessions/${ghost}/uploads/${ghost}/complete`],
        ["POST", `/api/sessions/${ghost}/selection`, {}],
        ["GET", `/api/sessions/${ghost}/selection/${ghost}`],
        ["GET", `/api/sessions/${ghost}/media/${ghost}/original-url`],
        ["POST", `/api/sessions/${ghost}/enhancement`, { selectionJobId: ghost }],
        ["GET", `/api/sessions/${ghost}/enhancement/${ghost}`],
        ["POST", `/api/sessions/${ghost}/enhancement/${ghost}/items/${ghost}/feedback`, { feedback: "brighter" }],
        ["POST", `/api/sessions/${ghost}/enhancement/${ghost}/accept`, {}],
        ["GET", `/api/sessions/${ghost}/enhancement/${ghost}/items/${ghost}/before-url`],
        ["GET", `/api/sessions/${ghost}/enhancement/${ghost}/items/${ghost}/rounds/0/output-url`],
        ["GET", `/api/sessions/${ghost}/enhancement/${ghost}/items/${ghost}/rounds/0/preview-url`]
      ] as const) {
        expectError(await api.call(method, p, body), 404, "NotFoundError", /session a{26} not found/)
      }
    }))

  it("another session's file or job -> 404", () =>
    withApi(async (api) => {
      const mine = await sessionWithUploads(api, [photo("mine.jpg")])
      const theirs = await sessionWithUploads(api, [photo("theirs.jpg")])
      const theirJob = (await api.call("POST", `/api/sessions/${theirs.sessionId}/selection`, {})).body.jobId
      const theirFile = theirs.fileIds[0]
      expectError(await api.call("POST", `/api/sessions/${mine.sessionId}/uploads/${theirFile}/complete`), 404, "NotFoundError", /file .* not found in session/)
      expectError(await api.call("GET", `/api/sessions/${mine.sessionId}/media/${theirFile}/original-url`), 404, "NotFoundError", /not found in session/)
      expectError(await api.call("GET", `/api/sessions/${mine.sessionId}/selection/${theirJob}`), 404, "NotFoundError", /selection job .* not found in session/)
      expectError(await api.call("POST", `/api/sessions/${mine.sessionId}/selection/${theirJob}/confirm`), 404, "NotFoundError", /not found in session/)
    }))

  it("ids that are not 128-bit base32 -> 400", () =>
    withApi(async (api) => {
      expectError(await api.call("GET", "/api/sessions/SESSION%231"), 400, "InvalidInputError", /params/)
      expectError(await api.call("GET", "/api/sessions/abc"), 400, "InvalidInputError", /params/)
    }))

  it("file names with .., /, \\ or a control character -> 400 naming the file", () =>
    withApi(async (api) => {
      const { body: s } = await api.call("POST", "/api/sessions", {})
      const declare = (name: string) => api.call("POST", `/api/sessions/${s.sessionId}/uploads`, { files: [photo("ok.jpg"), photo(name)] })
      expectError(await declare("../etc/passwd.jpg"), 400, "InvalidInputError", /file 2: .*\.\./)
      expectError(await declare("..jpg"), 400, "InvalidInputError", /contains "\.\."/)
      expectError(await declare("dir/a.jpg"), 400, "InvalidInputError", /path separator/)
      expectError(await declare("dir\\a.jpg"), 400, "InvalidInputError", /path separator/)
      expectError(await declare("a\u0000.jpg"), 400, "InvalidInputError", /control character/)
      expectError(await declare("a\n.jpg"), 400, "InvalidInputError", /control character/)
      expectError(await declare("x".repeat(256) + ".jpg"), 400, "InvalidInputError", /longer than 255/)
      // Nothing was declared by the refused requests.
      expect((await api.call("GET", `/api/sessions/${s.sessionId}`)).body.uploads).toEqual([])
    }))

  it("a disallowed content type, a bad size, an empty or malformed body -> 400", () =>
    withApi(async (api) => {
      const { body: s } = await api.call("POST", "/api/sessions", {})
      const url = `/api/sessions/${s.sessionId}/uploads`
      expectError(await api.call("POST", url, { files: [{ name: "x.html", type: "text/html", size: 10 }] }), 400, "InvalidInputError", /"text\/html" is not accepted/)
      expectError(await api.call("POST", url, { files: [{ name: "x.svg", type: "image/svg+xml", size: 10 }] }), 400, "InvalidInputError", /not accepted/)
      expectError(await api.call("POST", url, { files: [photo("a.jpg", 0)] }), 400, "InvalidInputError", /greater than 0/)
      expectError(await api.call("POST", url, { files: [photo("a.jpg", 1.5)] }), 400, "InvalidInputError", /whole number/)
      expectError(await api.call("POST", url, { files: [] }), 400, "InvalidInputError", /at least one file/)
      expectError(await api.call("POST", url, { files: "nope" }), 400, "InvalidInputError", /payload/)
      expectError(await api.call("POST", url, "{not json"), 400, "InvalidInputError", /./)
      expectError(await api.call("POST", `/api/sessions/${s.sessionId}/selection`, { targetCount: 0 }), 400, "InvalidInputError", /targetCount/)
    }))

  it("a file over its kind's limit -> 413; more files than a session may hold -> 413", () =>
    withApi(async (api) => {
      const { body: s } = await api.call("POST", "/api/sessions", {})
      const url = `/api/sessions/${s.sessionId}/uploads`
      expectError(await api.call("POST", url, { files: [photo("big.jpg", UploadLimits.photoBytes + 1)] }), 413, "MediaTooLargeError", /over the photo limit of 52428800 bytes/)
      expectError(
        await api.call("POST", url, { files: [{ name: "big.mp4", type: "video/mp4", size: UploadLimits.videoBytes + 1 }] }),
        413,
        "MediaTooLargeError",
        /video limit/
      )
      expect((await api.call("POST", url, { files: [photo("max.jpg", UploadLimits.photoBytes)] })).status).toBe(200)
      const batch = Array.from({ length: 100 }, (_, i) => photo(`p${i}.jpg`))
      for (let i = 0; i < 4; i++) expect((await api.call("POST", url, { files: batch })).status).toBe(200)
      expectError(await api.call("POST", url, { files: batch }), 413, "QuotaExceededError", /at most 500 files/)
    }))

  it("complete before the bytes are stored, or with a different stored size -> 409, and the wrong blob is removed", () =>
    withApi(async (api) => {
      const { body: s } = await api.call("POST", "/api/sessions", {})
      const [t] = (await api.call("POST", `/api/sessions/${s.sessionId}/uploads`, { files: [photo("a.jpg", 1000)] })).body.uploads
      const complete = () => api.call("POST", `/api/sessions/${s.sessionId}/uploads/${t.fileId}/complete`)
      expectError(await complete(), 409, "NotFoundError", /nothing was stored/)
      const record = await uploadRecord(api, s.sessionId, t.fileId)
      await storeUpload(api, record.key, 999, "image/jpeg")
      expectError(await complete(), 409, "InvalidInputError", /stored 999 bytes .* but 1000 bytes/)
      expectError(await complete(), 409, "NotFoundError", /nothing was stored/)
      await storeUpload(api, record.key, 1000, "image/jpeg")
      expect((await complete()).body.status).toBe("uploaded")
      expectError(await api.call("POST", `/api/sessions/${s.sessionId}/selection`, { targetCount: 500 }), 400, "InvalidInputError", /between 1 and 200/)
    }))

  it("starting a selection with nothing uploaded -> 409; adding files after it started -> 409", () =>
    withApi(async (api) => {
      const { body: s } = await api.call("POST", "/api/sessions", {})
      expectError(await api.call("POST", `/api/sessions/${s.sessionId}/selection`, {}), 409, "InvalidInputError", /no file/)
      const { sessionId } = await sessionWithUploads(api, [photo("a.jpg")])
      await api.call("POST", `/api/sessions/${sessionId}/selection`, {})
      expectError(await api.call("POST", `/api/sessions/${sessionId}/uploads`, { files: [photo("late.jpg")] }), 409, "InvalidInputError", /start a new session/)
    }))

  it("an unknown API route -> 404 with a JSON body", () =>
    withApi(async (api) => {
      expectError(await api.call("GET", "/api/nope"), 404, "RouteNotFound", /GET \/api\/nope/)
    }))
})
