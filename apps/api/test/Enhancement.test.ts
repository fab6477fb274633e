/**
 * The enhancement routes (issue 4) over real local stores: start for a
 * confirmed review (kept set = selected minus excluded plus included, done
 * items only; a second start returns the same job), per-item status derived
 * from item records written with the real SessionStore as the workers write
 * them, feedback rounds (validation, one round at a time, numbering, attempts
 * after a failed execution, a start failure never leaving an item
 * processing), accept, the signed URLs and their ownership checks, and the
 * reconciliation of a round whose execution ended.
 */
import { BlobKeys, type EnhancementRound, enhancementExecutionName, type MediaItem, type SelectionResult } from "@curator/contracts"
import { BlobStore, SessionStore } from "@curator/store"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { storeUpload, type TestApi, uploadRecord, withApi } from "./harness.js"

type Res = { status: number; body: any }

const expectError = (res: Res, status: number, tag: string, message: RegExp) => {
  expect(res.status).toBe(status)
  expect(res.body.error.tag).toBe(tag)
  expect(res.body.error.message).toMatch(message)
}

const FILES = [
  { name: "a.jpg", type: "image/jpeg", size: 1000 },
  { name: "b.jpg", type: "image/jpeg", size: 1000 },
  { name: "c.mov", type: "video/quicktime", size: 4000 },
  { name: "d.jpg", type: "image/jpeg", size: 1000 },
  { name: "e.jpg", type: "image/jpeg", size: 1000 },
  { name: "f.jpg", type: "image/jpeg", size: 1000 }
] as const

const mediaItem = (fileId: string, key: string, kind: "photo" | "video"): MediaItem => ({
  fileId,
  key,
  fileName: `${fileId}.${kind === "photo" ? "jpg" : "mov"}`,
  kind,
  mime: kind === "photo" ? "image/jpeg" : "video/quicktime",
  bytes: 1000,
  width: 4032,
  height: 3024,
  captureTime: null,
  gps: null,
  make: null,
  model: null,
  orientation: 1,
  rotation: 0,
  durationSeconds: kind === "video" ? 3 : null,
  hasAudio: kind === "video" ? true : null,
  codec: kind === "photo" ? "jpeg" : "h264",
  contentHash: "0123456789abcdef"
})

interface Reviewed {
  readonly sessionId: string
  readonly selectionJobId: string
  /** fileIds by name: a..f. */
  readonly ids: Record<"a" | "b" | "c" | "d" | "e" | "f", string>
  readonly confirm: () => Promise<Res>
}

/**
 * A session of six files whose selection is complete and reviewed: the
 * selection picked b, a, c (video), d in that rank order; `e` failed
 * processing; the person excluded `a` and included `e` and `f`. So the kept
 * items are b, c, d, f (e has no MediaItem). The review is confirmed unless
 * `confirm: false`.
 */
const reviewedSession = async (api: TestApi, options: { readonly confirm?: boolean; readonly selected?: ReadonlyArray<"a" | "b" | "c" | "d"> } = {}): Promise<Reviewed> => {
  const { body: session } = await api.call("POST", "/api/sessions", { tripContext: "Porto" })
  const sessionId: string = session.sessionId
  const { body: declared } = await api.call("POST", `/api/sessions/${sessionId}/uploads`, { files: FILES })
  const ids = Object.fromEntries(FILES.map((f, i) => [f.name[0], declared.uploads[i].fileId as string])) as Reviewed["ids"]
  for (const t of declared.uploads) {
    const record = await uploadRecord(api, sessionId, t.fileId)
    await storeUpload(api, record.key, record.bytes, record.mime)
    expect((await api.call("POST", `/api/sessions/${sessionId}/uploads/${t.fileId}/complete`)).status).toBe(200)
  }
  const selectionJobId: string = (await api.call("POST", `/api/sessions/${sessionId}/selection`, { targetCount: 4 })).body.jobId
  const input = api.started.get(selectionJobId)!
  await api.run(
    SessionStore.use((s) =>
      Effect.gen(function* () {
        for (const name of ["a", "b", "c", "d", "f"] as const) {
          const upload = yield* s.getUpload(sessionId, ids[name])
          yield* s.putItemDone(sessionId, selectionJobId, ids[name], mediaItem(ids[name], upload.key, name === "c" ? "video" : "photo"), `t/${name}`, input.expiresAt)
        }
        yield* s.putItemFailed(sessionId, selectionJobId, ids.e, "CorruptMediaError", "truncated JPEG", input.expiresAt)
        const selected = options.selected ?? ["b", "a", "c", "d"]
        const result: SelectionResult = {
          model: "offline",
          selected: selected.map((name, i) => ({ rank: i + 1, fileId: ids[name], kind: name === "c" ? "video" : "photo", scene: "Ribeira", justification: "", comparisonNote: "" })),
          excluded: [],
          sceneGroups: []
        }
        yield* s.completeSelectionJob(sessionId, selectionJobId, result, new Date().toISOString())
      })
    )
  )
  api.setExecution(selectionJobId, "SUCCEEDED")
  const override = (fileId: string, action: string) => api.call("PUT", `/api/sessions/${sessionId}/selection/${selectionJobId}/overrides`, { fileId, action })
  expect((await override(ids.a, "exclude")).status).toBe(200)
  expect((await override(ids.e, "include")).status).toBe(200)
  expect((await override(ids.f, "include")).status).toBe(200)
  const confirm = () => api.call("POST", `/api/sessions/${sessionId}/selection/${selectionJobId}/confirm`)
  if (options.confirm !== false) expect((await confirm()).status).toBe(200)
  return { sessionId, selectionJobId, ids, confirm }
}

const startEnhancement = async (api: TestApi, r: Reviewed) => {
  const res = await api.call("POST", `/api/sessions/${r.sessionId}/enhancement`, { selectionJobId: r.selectionJobId })
  expect(res.status).toBe(200)
  return res.body.jobId as string
}

const round = (sessionId: string, fileId: string, index: number, feedback: string | null, kind: "photo" | "video" = "photo"): EnhancementRound => ({
  round: index,
  feedback,
  params: { exposure: 0.1 * (index + 1), whiteBalance: { red: 1, blue: 1 } },
  outputKey: BlobKeys.enhancedRound(sessionId, fileId, index, kind === "photo" ? "jpg" : "mp4"),
  previewKey: kind === "photo" ? BlobKeys.enhancedPhotoPreview(sessionId, fileId, index) : BlobKeys.enhancedPreview(sessionId, fileId, index),
  createdAt: new Date().toISOString()
})

/** What a worker does for one round: mark the item processing, then append the round (done). */
const workerRound = (api: TestApi, sessionId: string, jobId: string, fileId: string, r: EnhancementRound, kind: "photo" | "video" = "photo") =>
  api.run(
    SessionStore.use((s) =>
      s
        .markEnhancementItemProcessing(sessionId, jobId, fileId, kind, Math.floor(Date.now() / 1000) + 3600)
        .pipe(Effect.andThen(s.appendEnhancementRound(sessionId, jobId, fileId, kind, r)))
    )
  )

const status = (api: TestApi, sessionId: string, jobId: string) => api.call("GET", `/api/sessions/${sessionId}/enhancement/${jobId}`)
const itemOf = (res: Res, fileId: string) => res.body.items.find((i: any) => i.fileId === fileId)
const feedback = (api: TestApi, sessionId: string, jobId: string, fileId: string, text: unknown) =>
  api.call("POST", `/api/sessions/${sessionId}/enhancement/${jobId}/items/${fileId}/feedback`, { feedback: text })

describe("API enhancement: start", () => {
  it("needs a confirmed review, enhances the kept items in rank order, and a second start returns the same job", () =>
    withApi(async (api) => {
      const r = await reviewedSession(api, { confirm: false })
      const { sessionId, ids } = r
      expectError(
        await api.call("POST", `/api/sessions/${sessionId}/enhancement`, { selectionJobId: r.selectionJobId }),
        409,
        "InvalidInputError",
        /not confirmed/
      )
      expect((await r.confirm()).status).toBe(200)
      const first = await api.call("POST", `/api/sessions/${sessionId}/enhancement`, { selectionJobId: r.selectionJobId })
      expect(first.status).toBe(200)
      expect(first.body).toMatchObject({ created: true })
      const jobId: string = first.body.jobId
      expect(jobId).toMatch(/^[a-z2-7]{26}$/)

      // b, c, d from the selection (a excluded), then f included; e is included but never processed.
      const input = api.startedEnhancements.get(jobId)!
      const keyOf = async (fileId: string) => (await uploadRecord(api, sessionId, fileId)).key
      expect(input).toEqual({
        sessionId,
        jobId,
        expiresAt: input.expiresAt,
        photos: [
          { fileId: ids.b, key: await keyOf(ids.b), fileName: "b.jpg", feedback: null, round: 0 },
          { fileId: ids.d, key: await keyOf(ids.d), fileName: "d.jpg", feedback: null, round: 0 },
          { fileId: ids.f, key: await keyOf(ids.f), fileName: "f.jpg", feedback: null, round: 0 }
        ],
        videos: [{ fileId: ids.c, key: await keyOf(ids.c), fileName: "c.mov", feedback: null, round: 0 }]
      })
      expect(enhancementExecutionName(input)).toBe(jobId)

      const again = await api.call("POST", `/api/sessions/${sessionId}/enhancement`, { selectionJobId: r.selectionJobId })
      expect(again.body).toEqual({ jobId, created: false })
      expect(api.startedEnhancements.size).toBe(1)

      const running = await status(api, sessionId, jobId)
      expect(running.body).toMatchObject({ jobId, selectionJobId: r.selectionJobId, status: "running", error: null, acceptedAt: null })
      expect(running.body.items.map((i: any) => [i.fileId, i.kind, i.name, i.type, i.status])).toEqual([
        [ids.b, "photo", "b.jpg", "image/jpeg", "pending"],
        [ids.c, "video", "c.mov", "video/quicktime", "pending"],
        [ids.d, "photo", "d.jpg", "image/jpeg", "pending"],
        [ids.f, "photo", "f.jpg", "image/jpeg", "pending"]
      ])
      const resumed = await api.call("GET", `/api/sessions/${sessionId}`)
      expect(resumed.body.enhancement).toMatchObject({ jobId, selectionJobId: r.selectionJobId, status: "running", error: null, acceptedAt: null })

      // The execution ended without an outcome: the job is failed, and a new start replaces it.
      api.setExecution(jobId, "ABORTED")
      const failed = await status(api, sessionId, jobId)
      expect(failed.body).toMatchObject({ status: "failed", error: { tag: "JobInterruptedError" } })
      expect(failed.body.counts).toEqual({ total: 4, pending: 0, processing: 0, done: 0, failed: 4 })
      const retry = await api.call("POST", `/api/sessions/${sessionId}/enhancement`, { selectionJobId: r.selectionJobId })
      expect(retry.body.created).toBe(true)
      expect(retry.body.jobId).not.toBe(jobId)
      expect((await api.call("GET", `/api/sessions/${sessionId}`)).body.enhancement).toMatchObject({ jobId: retry.body.jobId, status: "running" })
    }))

  it("refuses a selection that keeps nothing (409) and another session's selection (404); fails a job that could not start", () =>
    withApi(async (api) => {
      // Only `a` was selected and it is excluded; without f's include nothing processed is left (e failed).
      const empty = await reviewedSession(api, { selected: ["a"], confirm: false })
      const reset = await api.call("PUT", `/api/sessions/${empty.sessionId}/selection/${empty.selectionJobId}/overrides`, { fileId: empty.ids.f, action: "reset" })
      expect(reset.status).toBe(200)
      expect((await empty.confirm()).status).toBe(200)
      expectError(
        await api.call("POST", `/api/sessions/${empty.sessionId}/enhancement`, { selectionJobId: empty.selectionJobId }),
        409,
        "InvalidInputError",
        /keeps no processed item/
      )

      const r = await reviewedSession(api)
      expectError(
        await api.call("POST", `/api/sessions/${r.sessionId}/enhancement`, { selectionJobId: empty.selectionJobId }),
        404,
        "NotFoundError",
        /selection job .* not found in session/
      )
      api.failEnhancementStarts(1)
      expectError(await api.call("POST", `/api/sessions/${r.sessionId}/enhancement`, { selectionJobId: r.selectionJobId }), 503, "OrchestratorUnavailableError", /retry/)
      const state = await api.call("GET", `/api/sessions/${r.sessionId}`)
      expect(state.body.enhancement).toMatchObject({ status: "failed", error: { tag: "OrchestratorUnavailableError" } })
      const retry = await api.call("POST", `/api/sessions/${r.sessionId}/enhancement`, { selectionJobId: r.selectionJobId })
      expect(retry.body.created).toBe(true)
      expect(retry.body.jobId).not.toBe(state.body.enhancement.jobId)
    }))
})

describe("API enhancement: status and feedback rounds", () => {
  it("derives each item's progress from its record: pending, processing, done, failed", () =>
    withApi(async (api) => {
      const r = await reviewedSession(api)
      const { sessionId, ids } = r
      const jobId = await startEnhancement(api, r)
      await workerRound(api, sessionId, jobId, ids.b, round(sessionId, ids.b, 0, null))
      await api.run(
        SessionStore.use((s) =>
          Effect.gen(function* () {
            const expiresAt = Math.floor(Date.now() / 1000) + 3600
            yield* s.markEnhancementItemProcessing(sessionId, jobId, ids.c, "video", expiresAt)
            yield* s.markEnhancementItemProcessing(sessionId, jobId, ids.d, "photo", expiresAt)
            yield* s.failEnhancementItem(sessionId, jobId, ids.d, "CorruptMediaError", "truncated JPEG")
          })
        )
      )
      const res = await status(api, sessionId, jobId)
      expect(res.status).toBe(200)
      expect(res.body.counts).toEqual({ total: 4, pending: 1, processing: 1, done: 1, failed: 1 })
      expect(itemOf(res, ids.b)).toMatchObject({ status: "done", currentRound: 0, reason: null, pendingFeedback: null, accepted: null })
      expect(itemOf(res, ids.b).versions).toEqual([
        { round: 0, feedback: null, params: round(sessionId, ids.b, 0, null).params, createdAt: expect.any(String) }
      ])
      expect(itemOf(res, ids.c)).toMatchObject({ kind: "video", status: "processing", currentRound: -1, versions: [] })
      expect(itemOf(res, ids.d)).toMatchObject({ status: "failed", reason: { tag: "CorruptMediaError", message: "truncated JPEG" } })
      expect(itemOf(res, ids.f)).toMatchObject({ status: "pending", reason: null, currentRound: -1 })
    }))

  it("runs feedback rounds one at a time, numbered after the latest version, retrying an ended round under a new attempt", () =>
    withApi(async (api) => {
      const r = await reviewedSession(api)
      const { sessionId, ids } = r
      const jobId = await startEnhancement(api, r)
      await workerRound(api, sessionId, jobId, ids.b, round(sessionId, ids.b, 0, null))
      expectError(await feedback(api, sessionId, jobId, ids.b, "brighter"), 409, "InvalidInputError", /still running/)
      await api.run(SessionStore.use((s) => s.markEnhancementItemProcessing(sessionId, jobId, ids.c, "video", Math.floor(Date.now() / 1000) + 3600)))
      await api.completeEnhancementJob(sessionId, jobId)

      expectError(await feedback(api, sessionId, jobId, ids.b, "   "), 400, "InvalidInputError", /empty/)
      expectError(await feedback(api, sessionId, jobId, ids.b, "x".repeat(501)), 400, "InvalidInputError", /longer than 500/)
      expectError(await feedback(api, sessionId, jobId, ids.b, 42), 400, "InvalidInputError", /payload/)
      expectError(await feedback(api, sessionId, jobId, ids.f, "brighter"), 409, "InvalidInputError", /not been enhanced yet/)
      // c's first pass still runs (its execution, the job's, is RUNNING).
      expectError(await feedback(api, sessionId, jobId, ids.c, "brighter"), 409, "StoreConflictError", /processing/)
      expectError(await feedback(api, sessionId, jobId, ids.a, "brighter"), 404, "NotFoundError", /not an item of enhancement job/)

      const first = await feedback(api, sessionId, jobId, ids.b, "  brighter ")
      expect(first.status).toBe(200)
      expect(first.body).toMatchObject({ fileId: ids.b, status: "processing", currentRound: 0, pendingFeedback: "brighter" })
      const r1 = `${jobId}-${ids.b}-r1`
      expect(api.startedEnhancements.get(r1)).toEqual({
        sessionId,
        jobId,
        expiresAt: api.startedEnhancements.get(jobId)!.expiresAt,
        photos: [{ fileId: ids.b, key: (await uploadRecord(api, sessionId, ids.b)).key, fileName: "b.jpg", feedback: "brighter", round: 1 }],
        videos: [],
        attempt: 0
      })
      // A double click: the round is already running.
      expectError(await feedback(api, sessionId, jobId, ids.b, "brighter"), 409, "StoreConflictError", /processing a round/)
      expect(itemOf(await status(api, sessionId, jobId), ids.b)).toMatchObject({ status: "processing", pendingFeedback: "brighter" })

      await workerRound(api, sessionId, jobId, ids.b, round(sessionId, ids.b, 1, "brighter"))
      api.setExecution(r1, "SUCCEEDED")
      const afterFirst = itemOf(await status(api, sessionId, jobId), ids.b)
      expect(afterFirst).toMatchObject({ status: "done", currentRound: 1, pendingFeedback: null })
      expect(afterFirst.versions.map((v: any) => [v.round, v.feedback])).toEqual([[0, null], [1, "brighter"]])

      // Round 2's execution fails without writing anything: the poll fails the item, its versions stay.
      // Two requests at once (a double click that raced): exactly one round starts.
      const both = await Promise.all([feedback(api, sessionId, jobId, ids.b, "warmer"), feedback(api, sessionId, jobId, ids.b, "warmer")])
      expect(both.map((res) => res.status).sort()).toEqual([200, 409])
      expect([...api.startedEnhancements.keys()].filter((name) => name.startsWith(`${jobId}-${ids.b}-r2`))).toEqual([`${jobId}-${ids.b}-r2`])
      api.setExecution(`${jobId}-${ids.b}-r2`, "FAILED")
      const stuck = itemOf(await status(api, sessionId, jobId), ids.b)
      expect(stuck).toMatchObject({ status: "failed", reason: { tag: "JobInterruptedError" }, currentRound: 1, pendingFeedback: null })
      expect(stuck.versions).toHaveLength(2)
      // Sent again: the same round under the next attempt's execution name.
      expect((await feedback(api, sessionId, jobId, ids.b, "warmer")).body).toMatchObject({ status: "processing", pendingFeedback: "warmer" })
      expect(api.startedEnhancements.get(`${jobId}-${ids.b}-r2-a1`)).toMatchObject({ attempt: 1, photos: [{ round: 2, feedback: "warmer" }] })
    }))

  it("never leaves an item processing when its round cannot start; a video's round targets the video branch", () =>
    withApi(async (api) => {
      const r = await reviewedSession(api)
      const { sessionId, ids } = r
      const jobId = await startEnhancement(api, r)
      await workerRound(api, sessionId, jobId, ids.c, round(sessionId, ids.c, 0, null, "video"), "video")
      await api.run(
        SessionStore.use((s) =>
          s
            .markEnhancementItemProcessing(sessionId, jobId, ids.d, "photo", Math.floor(Date.now() / 1000) + 3600)
            .pipe(Effect.andThen(s.failEnhancementItem(sessionId, jobId, ids.d, "CorruptMediaError", "truncated JPEG")))
        )
      )
      await api.completeEnhancementJob(sessionId, jobId)
      expectError(await feedback(api, sessionId, jobId, ids.d, "brighter"), 409, "InvalidInputError", /no enhanced version to refine/)

      api.failEnhancementStarts(1)
      expectError(await feedback(api, sessionId, jobId, ids.c, "less saturated"), 503, "OrchestratorUnavailableError", /retry/)
      expect(itemOf(await status(api, sessionId, jobId), ids.c)).toMatchObject({
        status: "failed",
        reason: { tag: "OrchestratorUnavailableError" },
        currentRound: 0,
        pendingFeedback: null
      })
      const retried = await feedback(api, sessionId, jobId, ids.c, "less saturated")
      expect(retried.body).toMatchObject({ kind: "video", status: "processing", pendingFeedback: "less saturated" })
      expect(api.startedEnhancements.get(`${jobId}-${ids.c}-r1`)).toMatchObject({ photos: [], videos: [{ fileId: ids.c, round: 1 }] })
    }))
})

describe("API enhancement: accept and URLs", () => {
  it("accepts chosen rounds (latest by default), refuses bad choices and feedback afterwards", () =>
    withApi(async (api) => {
      const r = await reviewedSession(api)
      const { sessionId, ids } = r
      const jobId = await startEnhancement(api, r)
      const accept = (body: unknown) => api.call("POST", `/api/sessions/${sessionId}/enhancement/${jobId}/accept`, body)
      await workerRound(api, sessionId, jobId, ids.b, round(sessionId, ids.b, 0, null))
      await workerRound(api, sessionId, jobId, ids.c, round(sessionId, ids.c, 0, null, "video"), "video")
      expectError(await accept({}), 409, "InvalidInputError", /still running/)
      await api.completeEnhancementJob(sessionId, jobId)
      expect((await feedback(api, sessionId, jobId, ids.b, "brighter")).status).toBe(200)
      expectError(await accept({}), 409, "InvalidInputError", /processing a round/)
      await workerRound(api, sessionId, jobId, ids.b, round(sessionId, ids.b, 1, "brighter"))

      expectError(await accept({ choices: [{ fileId: ids.a, round: 0 }] }), 400, "InvalidInputError", /not an item of enhancement job/)
      expectError(await accept({ choices: [{ fileId: ids.b, round: 2 }] }), 400, "InvalidInputError", /has no round 2 \(its rounds: 0\.\.1\)/)
      expectError(await accept({ choices: [{ fileId: ids.f, round: 0 }] }), 400, "InvalidInputError", /no round 0 \(its rounds: none\)/)
      expectError(await accept({ choices: [{ fileId: ids.b, round: 0 }, { fileId: ids.b, round: 1 }] }), 400, "InvalidInputError", /more than once/)

      const accepted = await accept({ choices: [{ fileId: ids.b, round: 0 }] })
      expect(accepted.status).toBe(200)
      expect(accepted.body.acceptedAt).toEqual(expect.any(String))
      expect(accepted.body.items.map((i: any) => [i.fileId, i.accepted])).toEqual([
        [ids.b, 0],
        [ids.c, 0],
        [ids.d, null],
        [ids.f, null]
      ])
      const stored = await api.run(SessionStore.use((s) => s.getEnhancementAcceptance(sessionId, jobId)))
      expect(stored?.choices).toEqual([
        { fileId: ids.b, round: 0 },
        { fileId: ids.c, round: 0 }
      ])
      expect((await api.call("GET", `/api/sessions/${sessionId}`)).body.enhancement).toMatchObject({ jobId, acceptedAt: accepted.body.acceptedAt })
      expectError(await feedback(api, sessionId, jobId, ids.b, "warmer"), 409, "InvalidInputError", /accepted/)
      // Accepting again replaces the choices: b's latest round now.
      expect(itemOf(await accept({}), ids.b).accepted).toBe(1)
    }))

  it("signs URLs of the before, each round's output and preview; 404 for missing rounds and blobs and for another session's ids", () =>
    withApi(async (api) => {
      const mine = await reviewedSession(api)
      const theirs = await reviewedSession(api)
      const { sessionId, ids } = mine
      const jobId = await startEnhancement(api, mine)
      const theirJob = await startEnhancement(api, theirs)
      const r0 = round(sessionId, ids.b, 0, null)
      await workerRound(api, sessionId, jobId, ids.b, r0)
      const put = (key: string, type: string) => api.run(BlobStore.use((b) => b.put(key, new Uint8Array(10), type)))
      await put(BlobKeys.enhancedBefore(sessionId, ids.b, "photo"), "image/jpeg")
      await put(r0.outputKey, "image/jpeg")
      await put(r0.previewKey!, "image/jpeg")
      const url = (session: string, job: string, fileId: string, rest: string) => api.call("GET", `/api/sessions/${session}/enhancement/${job}/items/${fileId}/${rest}`)

      const before = await url(sessionId, jobId, ids.b, "before-url")
      expect(before.status).toBe(200)
      expect(before.body).toMatchObject({ variant: "before", contentType: "image/jpeg" })
      expect(before.body.url).toMatch(new RegExp(`^/blob/${sessionId}/enhanced/${ids.b}\\.before\\.jpg\\?m=GET&`))
      const output = await url(sessionId, jobId, ids.b, "rounds/0/output-url")
      expect(output.body).toMatchObject({ variant: "enhanced", contentType: "image/jpeg" })
      expect(output.body.url).toMatch(new RegExp(`^/blob/${sessionId}/enhanced/${ids.b}\\.jpg\\?`))
      const preview = await url(sessionId, jobId, ids.b, "rounds/0/preview-url")
      expect(preview.body).toMatchObject({ variant: "enhanced-preview" })
      expect(preview.body.url).toMatch(new RegExp(`^/blob/${sessionId}/enhanced/${ids.b}\\.preview\\.jpg\\?`))

      expectError(await url(sessionId, jobId, ids.b, "rounds/1/output-url"), 404, "NotFoundError", /has no round 1/)
      expectError(await url(sessionId, jobId, ids.f, "rounds/0/preview-url"), 404, "NotFoundError", /has no round 0/)
      expectError(await url(sessionId, jobId, ids.c, "before-url"), 404, "NotFoundError", /does not exist/)
      expectError(await url(sessionId, jobId, ids.b, "rounds/01/output-url"), 400, "InvalidInputError", /params/)

      // Another session's job, or their file in my job, or my job under their session: not found.
      expectError(await url(sessionId, theirJob, theirs.ids.b, "before-url"), 404, "NotFoundError", /enhancement job .* not found in session/)
      expectError(await url(sessionId, jobId, theirs.ids.b, "rounds/0/output-url"), 404, "NotFoundError", /not an item of enhancement job/)
      expectError(await url(theirs.sessionId, jobId, ids.b, "rounds/0/output-url"), 404, "NotFoundError", /not found in session/)
      expectError(await status(api, sessionId, theirJob), 404, "NotFoundError", /not found in session/)
      expectError(await feedback(api, sessionId, theirJob, theirs.ids.b, "brighter"), 404, "NotFoundError", /not found in session/)
      expectError(await api.call("POST", `/api/sessions/${sessionId}/enhancement/${theirJob}/accept`, {}), 404, "NotFoundError", /not found in session/)
    }))
})
