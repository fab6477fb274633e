/**
 * The routes of issue 7 over real local stores (SessionStore and PostStore
 * on dynalite, a blob folder) and the harness's in-memory Orchestrator:
 * the Group step's pool and posts (export sources, moves between posts, the
 * 20-item limit, revisions), reopening and confirming a review again
 * (generation, reconciliation, staleness), captions (start, one round at a
 * time, feedback, edit, accept, reconciliation), downloads (the snapshot of
 * entries, progress, a dead execution, the signed bundle URL) and every 4xx
 * of the "Must show". The caption and bundle tasks are played by
 * writing their records through the real PostStore, as the tasks do.
 */
import {
  BlobKeys,
  captionExecutionName,
  type CaptionVersion,
  type EnhancementRound,
  type MediaItem,
  type SelectionResult
} from "@curator/contracts"
import { BlobStore, PostStore, SessionStore } from "@curator/store"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { verifyBlobUrl } from "../src/UrlSigner.js"
import { storeUpload, type TestApi, uploadRecord, withApi } from "./harness.js"

type Res = { status: number; body: any }
type FileSpec = { readonly name: string; readonly type: string; readonly size: number }

const expectError = (res: Res, status: number, tag: string, message: RegExp) => {
  expect(res.status).toBe(status)
  expect(res.body.error.tag).toBe(tag)
  expect(res.body.error.message).toMatch(message)
}

const ok = (res: Res) => {
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body
}

const mediaItem = (fileId: string, key: string, file: FileSpec): MediaItem => {
  const video = file.type.startsWith("video/")
  return {
    fileId,
    key,
    fileName: file.name,
    kind: video ? "video" : "photo",
    mime: file.type,
    bytes: file.size,
    width: 4032,
    height: 3024,
    captureTime: { local: "2025-06-01T09:12:44", offsetMinutes: 60, utc: "2025-06-01T08:12:44.000Z", source: "exif" },
    gps: null,
    make: null,
    model: null,
    orientation: 1,
    rotation: 0,
    durationSeconds: video ? 3 : null,
    hasAudio: video ? true : null,
    codec: video ? "h264" : "jpeg",
    contentHash: "0123456789abcdef"
  }
}

interface Reviewed {
  readonly sessionId: string
  readonly selectionJobId: string
  /** fileIds in the order of the files. */
  readonly ids: ReadonlyArray<string>
  readonly confirm: () => Promise<Res>
}

/**
 * A session whose files are uploaded and processed, whose selection picked
 * `selected` (indices, rank order), with `exclude` / `include` overrides;
 * the review is confirmed unless `confirm: false`.
 */
const reviewedSession = async (
  api: TestApi,
  files: ReadonlyArray<FileSpec>,
  options: { readonly selected: ReadonlyArray<number>; readonly exclude?: ReadonlyArray<number>; readonly include?: ReadonlyArray<number>; readonly confirm?: boolean }
): Promise<Reviewed> => {
  const sessionId: string = ok(await api.call("POST", "/api/sessions", { tripContext: "Porto" })).sessionId
  const declared = ok(await api.call("POST", `/api/sessions/${sessionId}/uploads`, { files }))
  const ids: Array<string> = declared.uploads.map((u: any) => u.fileId)
  for (const fileId of ids) {
    const record = await uploadRecord(api, sessionId, fileId)
    await storeUpload(api, record.key, record.bytes, record.mime)
    ok(await api.call("POST", `/api/sessions/${sessionId}/uploads/${fileId}/complete`))
  }
  const selectionJobId: string = ok(await api.call("POST", `/api/sessions/${sessionId}/selection`, { targetCount: Math.min(files.length, 100) })).jobId
  const input = api.started.get(selectionJobId)!
  await api.run(
    SessionStore.use((s) =>
      Effect.gen(function* () {
        for (const [i, fileId] of ids.entries()) {
          const upload = yield* s.getUpload(sessionId, fileId)
          yield* s.putItemDone(sessionId, selectionJobId, fileId, mediaItem(fileId, upload.key, files[i]!), `t/${fileId}`, input.expiresAt)
        }
        const result: SelectionResult = {
          model: "offline",
          selected: options.selected.map((i, rank) => ({
            rank: rank + 1,
            fileId: ids[i]!,
            kind: files[i]!.type.startsWith("video/") ? "video" : "photo",
            scene: "Ribeira",
            justification: "",
            comparisonNote: ""
          })),
          excluded: [],
          sceneGroups: []
        }
        yield* s.completeSelectionJob(sessionId, selectionJobId, result, new Date().toISOString())
      })
    )
  )
  api.setExecution(selectionJobId, "SUCCEEDED")
  const override = (fileId: string, action: string) => api.call("PUT", `/api/sessions/${sessionId}/selection/${selectionJobId}/overrides`, { fileId, action })
  for (const i of options.exclude ?? []) ok(await override(ids[i]!, "exclude"))
  for (const i of options.include ?? []) ok(await override(ids[i]!, "include"))
  const confirm = () => api.call("POST", `/api/sessions/${sessionId}/selection/${selectionJobId}/confirm`)
  if (options.confirm !== false) ok(await confirm())
  return { sessionId, selectionJobId, ids, confirm }
}

/**
 * Six files: the selection picks B, A, C (video), D, E in that order; the
 * person excludes E and includes F. Kept: B, A, C, D, F. A's name needs
 * sanitising, B is a HEIC whose enhanced version is a JPEG, F's name starts
 * with a dot.
 */
const SIX: ReadonlyArray<FileSpec> = [
  { name: "Café à la plage.JPG", type: "image/jpeg", size: 1000 },
  { name: "b.heic", type: "image/heic", size: 1500 },
  { name: "c.mov", type: "video/quicktime", size: 4000 },
  { name: "d.jpg", type: "image/jpeg", size: 1100 },
  { name: "e.jpg", type: "image/jpeg", size: 1200 },
  { name: ".hidden.jpg", type: "image/jpeg", size: 1300 }
]
const [A, B, C, D, E, F] = [0, 1, 2, 3, 4, 5] as const
const sixSession = (api: TestApi, confirm = true) => reviewedSession(api, SIX, { selected: [B, A, C, D, E], exclude: [E], include: [F], confirm })

const enhancedRound = (sessionId: string, fileId: string, index: number): EnhancementRound => ({
  round: index,
  feedback: index === 0 ? null : "brighter",
  params: { exposure: 0.1 },
  outputKey: BlobKeys.enhancedRound(sessionId, fileId, index, "jpg"),
  previewKey: BlobKeys.enhancedPhotoPreview(sessionId, fileId, index),
  createdAt: new Date().toISOString()
})

/** Enhances B with two rounds (their outputs stored, 2222 and 3333 bytes); returns the enhancement job id. */
const enhanceB = async (api: TestApi, r: Reviewed) => {
  const jobId: string = ok(await api.call("POST", `/api/sessions/${r.sessionId}/enhancement`, { selectionJobId: r.selectionJobId })).jobId
  for (const [index, bytes] of [[0, 2222], [1, 3333]] as const) {
    const round = enhancedRound(r.sessionId, r.ids[B]!, index)
    await api.run(
      SessionStore.use((s) =>
        s
          .markEnhancementItemProcessing(r.sessionId, jobId, r.ids[B]!, "photo", Math.floor(Date.now() / 1000) + 3600)
          .pipe(Effect.andThen(s.appendEnhancementRound(r.sessionId, jobId, r.ids[B]!, "photo", round)))
      )
    )
    await api.run(BlobStore.use((b) => b.put(round.outputKey, new Uint8Array(bytes), "image/jpeg")))
  }
  await api.completeEnhancementJob(r.sessionId, jobId)
  return jobId
}

const posts = (api: TestApi, sessionId: string) => api.call("GET", `/api/sessions/${sessionId}/posts`)
const createPost = (api: TestApi, sessionId: string, body: unknown) => api.call("POST", `/api/sessions/${sessionId}/posts`, body)
const updatePost = (api: TestApi, sessionId: string, postId: string, body: unknown) => api.call("PUT", `/api/sessions/${sessionId}/posts/${postId}`, body)
const postOf = (state: any, postId: string) => state.posts.find((p: any) => p.postId === postId)
const holders = (state: any) => Object.fromEntries(state.items.map((i: any) => [i.fileId, i.postId]))

/** What the caption task does for one round: append the version it generated (complete). */
const writeCaption = (api: TestApi, sessionId: string, jobId: string, version: Partial<CaptionVersion> & { round: number; postRevision: number }) =>
  api.run(
    PostStore.use((s) =>
      s.appendCaptionVersion(
        sessionId,
        jobId,
        {
          source: "generated",
          feedback: null,
          draft: { caption: `Porto, round ${version.round}`, hashtags: ["porto", "ribeira"], locationTag: "Porto, Portugal" },
          model: "offline",
          createdAt: new Date().toISOString(),
          ...version
        },
        new Date().toISOString()
      )
    )
  )

describe("API posts: the Group step", () => {
  it("needs a confirmed review; pools the kept items with their export source; creates, moves, reorders and deletes posts", () =>
    withApi(async (api) => {
      const r = await sixSession(api, false)
      const { sessionId, ids } = r
      expectError(await posts(api, sessionId), 409, "InvalidInputError", /not confirmed/)
      ok(await r.confirm())
      const enhancementJobId = await enhanceB(api, r)

      const initial = ok(await posts(api, sessionId))
      expect(initial.selectionJobId).toBe(r.selectionJobId)
      expect(initial.generation).toBe(0)
      expect(initial.posts).toEqual([])
      // Rank order, E excluded, F included; B exports its latest round until the job is accepted.
      expect(initial.items.map((i: any) => [i.fileId, i.name, i.kind, i.source, i.enhancement, i.postId])).toEqual([
        [ids[B], "b.heic", "photo", "enhanced", { jobId: enhancementJobId, round: 1 }, null],
        [ids[A], "Café à la plage.JPG", "photo", "original", null, null],
        [ids[C], "c.mov", "video", "original", null, null],
        [ids[D], "d.jpg", "photo", "original", null, null],
        [ids[F], ".hidden.jpg", "photo", "original", null, null]
      ])
      expect(initial.items[0].capturedAt).toBe("2025-06-01T08:12:44.000Z")
      ok(await api.call("POST", `/api/sessions/${sessionId}/enhancement/${enhancementJobId}/accept`, { choices: [{ fileId: ids[B], round: 0 }] }))
      expect(ok(await posts(api, sessionId)).items[0].enhancement).toEqual({ jobId: enhancementJobId, round: 0 })

      // Create with a label and first items (carousel order as given).
      const first = ok(await createPost(api, sessionId, { label: "  Ribeira  ", fileIds: [ids[D], ids[B]] }))
      expect(first.posts).toHaveLength(1)
      const p1 = first.posts[0]
      expect(p1).toMatchObject({ index: 0, label: "Ribeira", fileIds: [ids[D], ids[B]], revision: 0, caption: null })
      expect(holders(first)).toMatchObject({ [ids[B]!]: p1.postId, [ids[D]!]: p1.postId, [ids[A]!]: null })

      // A second post takes B out of the first (whose revision bumps).
      const second = ok(await createPost(api, sessionId, { fileIds: [ids[B], ids[C]] }))
      const p2 = second.posts[1]
      expect(p2).toMatchObject({ index: 1, label: "", fileIds: [ids[B], ids[C]], revision: 0 })
      expect(postOf(second, p1.postId)).toMatchObject({ fileIds: [ids[D]], revision: 1 })

      // Update: new label, new order, an item moved in; conditional on the revision read.
      const updated = ok(await updatePost(api, sessionId, p1.postId, { label: "Cais", fileIds: [ids[F], ids[D], ids[C]], revision: 1 }))
      expect(postOf(updated, p1.postId)).toMatchObject({ label: "Cais", fileIds: [ids[F], ids[D], ids[C]], revision: 2 })
      expect(postOf(updated, p2.postId)).toMatchObject({ fileIds: [ids[B]], revision: 1 })
      expectError(
        await updatePost(api, sessionId, p1.postId, { label: "Other", fileIds: [ids[D]], revision: 1 }),
        409,
        "StoreConflictError",
        /changed meanwhile: it is at revision 2, not 1/
      )
      // The same content again is no change (no revision bump).
      expect(postOf(ok(await updatePost(api, sessionId, p1.postId, { label: "Cais", fileIds: [ids[F], ids[D], ids[C]], revision: 2 })), p1.postId).revision).toBe(2)

      // Delete: its items return to the pool. A reload shows the same state.
      const afterDelete = ok(await api.call("DELETE", `/api/sessions/${sessionId}/posts/${p2.postId}`))
      expect(afterDelete.posts.map((p: any) => p.postId)).toEqual([p1.postId])
      expect(holders(afterDelete)).toEqual({ [ids[B]!]: null, [ids[A]!]: null, [ids[C]!]: p1.postId, [ids[D]!]: p1.postId, [ids[F]!]: p1.postId })
      expect(ok(await posts(api, sessionId))).toEqual(afterDelete)
      const third = ok(await createPost(api, sessionId, { label: "Sé" }))
      expect(third.posts.map((p: any) => [p.index, p.label, p.fileIds.length])).toEqual([
        [0, "Cais", 3],
        [1, "Sé", 0]
      ])
      expect(ok(await api.call("GET", `/api/sessions/${sessionId}`)).postCount).toBe(2)
    }))

  it("bad input: a 21st item -> 400, an item or post of another session -> 404, a duplicate, a long label or an excluded item -> 4xx", () =>
    withApi(async (api) => {
      const many = Array.from({ length: 21 }, (_, i) => ({ name: `IMG_${String(i).padStart(4, "0")}.jpg`, type: "image/jpeg", size: 500 + i }))
      const r = await reviewedSession(api, many, { selected: many.map((_, i) => i) })
      const other = await sixSession(api)
      const { sessionId, ids } = r

      expectError(
        await createPost(api, sessionId, { fileIds: ids }),
        400,
        "InvalidInputError",
        /a post holds at most 20 items \(got 21\)/
      )
      const twenty = ok(await createPost(api, sessionId, { label: "All of Porto", fileIds: ids.slice(0, 20) }))
      const post = twenty.posts[0]
      expect(post.fileIds).toHaveLength(20)
      expectError(
        await updatePost(api, sessionId, post.postId, { label: "All of Porto", fileIds: ids, revision: 0 }),
        400,
        "InvalidInputError",
        /a post holds at most 20 items \(got 21\)/
      )
      // An item of another session is not one of this session's kept items.
      expectError(await createPost(api, sessionId, { fileIds: [other.ids[B]] }), 404, "NotFoundError", new RegExp(`${other.ids[B]}.*not kept items of this session`))
      expectError(
        await updatePost(api, sessionId, post.postId, { label: "x", fileIds: [ids[0], other.ids[A]], revision: 0 }),
        404,
        "NotFoundError",
        /not kept items of this session/
      )
      // A post id of another session.
      const otherPost = ok(await createPost(api, other.sessionId, { fileIds: [other.ids[D]] })).posts[0].postId
      expectError(await updatePost(api, sessionId, otherPost, { label: "x", fileIds: [], revision: 0 }), 404, "NotFoundError", new RegExp(`post ${otherPost} not found`))
      expectError(await api.call("DELETE", `/api/sessions/${sessionId}/posts/${otherPost}`), 404, "NotFoundError", /not found/)
      expectError(await api.call("POST", `/api/sessions/${sessionId}/posts/${otherPost}/captions`), 404, "NotFoundError", /not found/)
      // Other refusals.
      expectError(await createPost(api, other.sessionId, { fileIds: [other.ids[A], other.ids[A]] }), 400, "InvalidInputError", /more than once/)
      expectError(await createPost(api, other.sessionId, { label: "x".repeat(121) }), 400, "InvalidInputError", /at most 120 characters/)
      expectError(await createPost(api, other.sessionId, { fileIds: [other.ids[E]] }), 404, "NotFoundError", /not kept items/)
      expectError(await createPost(api, sessionId, { fileIds: ["not-a-random-id"] }), 400, "InvalidInputError", /invalid request/)
      // Nothing changed by the refused requests.
      expect(ok(await posts(api, sessionId)).posts.map((p: any) => [p.postId, p.revision, p.fileIds.length])).toEqual([[post.postId, 0, 20]])
      expect(ok(await posts(api, other.sessionId)).posts.map((p: any) => [p.postId, p.fileIds])).toEqual([[otherPost, [other.ids[D]]]])
    }))
})

describe("API posts: captions", () => {
  it("starts one job per post, runs one round at a time, refines, edits, accepts; a changed post makes it stale", () =>
    withApi(async (api) => {
      const r = await sixSession(api)
      const { sessionId, ids } = r
      const state = ok(await createPost(api, sessionId, { label: "Ribeira", fileIds: [ids[A], ids[D]] }))
      const postId: string = state.posts[0].postId
      const empty = ok(await createPost(api, sessionId, { label: "Empty" })).posts[1].postId
      expectError(await api.call("POST", `/api/sessions/${sessionId}/posts/${empty}/captions`), 409, "InvalidInputError", /has no items/)

      const started = ok(await api.call("POST", `/api/sessions/${sessionId}/posts/${postId}/captions`))
      const jobId: string = started.jobId
      expect(started).toMatchObject({ postId, status: "running", versions: [], current: null, acceptedRound: null, stale: false, pendingFeedback: null })
      const input = api.startedCaptions.get(jobId)!
      expect(input).toEqual({ sessionId, jobId, postId, round: 0, feedback: null, expiresAt: input.expiresAt })
      expect(captionExecutionName(input)).toBe(jobId)
      // Starting again while it runs returns the same job.
      expect(ok(await api.call("POST", `/api/sessions/${sessionId}/posts/${postId}/captions`)).jobId).toBe(jobId)
      expect(api.startedCaptions.size).toBe(1)

      // Feedback on a job that is not finished: 409 with a clear message.
      const feedback = (text: unknown) => api.call("POST", `/api/sessions/${sessionId}/captions/${jobId}/feedback`, { feedback: text })
      expectError(await feedback("shorter"), 409, "StoreConflictError", /a caption round is still running/)
      expectError(
        await api.call("PUT", `/api/sessions/${sessionId}/captions/${jobId}`, { caption: "mine", hashtags: [], locationTag: null }),
        409,
        "StoreConflictError",
        /still running/
      )

      await writeCaption(api, sessionId, jobId, { round: 0, postRevision: 0 })
      const done = ok(await api.call("GET", `/api/sessions/${sessionId}/captions/${jobId}`))
      expect(done).toMatchObject({ status: "complete", current: { round: 0, draft: { caption: "Porto, round 0" } }, stale: false })
      expect(ok(await posts(api, sessionId)).posts[0].caption).toEqual({ jobId, status: "complete", acceptedRound: null, stale: false })

      expectError(await feedback("   "), 400, "InvalidInputError", /empty/)
      expectError(await feedback("x".repeat(501)), 400, "InvalidInputError", /longer than 500/)
      const refining = ok(await feedback(" shorter "))
      expect(refining).toMatchObject({ status: "running", pendingFeedback: "shorter" })
      expect(api.startedCaptions.get(`${jobId}-r1`)).toEqual({ sessionId, jobId, postId, round: 1, feedback: "shorter", expiresAt: input.expiresAt })
      expectError(await feedback("more casual"), 409, "StoreConflictError", /a caption round is still running/)
      await writeCaption(api, sessionId, jobId, { round: 1, feedback: "shorter", postRevision: 0 })

      // The person's edit is a new version; hashtags are checked.
      const edit = (body: unknown) => api.call("PUT", `/api/sessions/${sessionId}/captions/${jobId}`, body)
      expectError(await edit({ caption: "x", hashtags: ["two words"], locationTag: null }), 400, "InvalidInputError", /letters, digits and underscores/)
      expectError(await edit({ caption: "x", hashtags: ["Porto", "#porto"], locationTag: null }), 400, "InvalidInputError", /more than once/)
      expectError(await edit({ caption: "x".repeat(2201), hashtags: [], locationTag: null }), 400, "InvalidInputError", /at most 2200/)
      const edited = ok(await edit({ caption: " Golden hour on the Douro ", hashtags: ["#douro", "pôr_do_sol"], locationTag: "Porto" }))
      expect(edited.versions.map((v: any) => [v.round, v.source, v.feedback])).toEqual([
        [0, "generated", null],
        [1, "generated", "shorter"],
        [2, "edited", null]
      ])
      expect(edited.current.draft).toEqual({ caption: "Golden hour on the Douro", hashtags: ["douro", "pôr_do_sol"], locationTag: "Porto" })

      const accept = (body: unknown) => api.call("POST", `/api/sessions/${sessionId}/captions/${jobId}/accept`, body)
      expectError(await accept({ round: 7 }), 400, "InvalidInputError", /no version 7/)
      const accepted = ok(await accept({ round: 1 }))
      expect(accepted).toMatchObject({ acceptedRound: 1, current: { round: 1, feedback: "shorter" } })
      expect(ok(await accept({})).acceptedRound).toBe(2)

      // Another session cannot read the job.
      const other = await sixSession(api)
      expectError(await api.call("GET", `/api/sessions/${other.sessionId}/captions/${jobId}`), 404, "NotFoundError", /not found/)
      expectError(await api.call("POST", `/api/sessions/${other.sessionId}/captions/${jobId}/feedback`, { feedback: "shorter" }), 404, "NotFoundError", /not found/)

      // The post changes: the caption is stale, feedback on it is refused, a start makes a new job.
      ok(await updatePost(api, sessionId, postId, { label: "Ribeira", fileIds: [ids[D], ids[A]], revision: 0 }))
      expect(ok(await api.call("GET", `/api/sessions/${sessionId}/captions/${jobId}`)).stale).toBe(true)
      expect(ok(await posts(api, sessionId)).posts[0].caption).toMatchObject({ jobId, stale: true })
      expectError(await feedback("warmer"), 409, "StoreConflictError", /stale/)
      expectError(await accept({}), 409, "StoreConflictError", /stale/)
      const fresh = ok(await api.call("POST", `/api/sessions/${sessionId}/posts/${postId}/captions`))
      expect(fresh.jobId).not.toBe(jobId)
      expect(fresh).toMatchObject({ status: "running", stale: false })
    }))

  it("fails a round whose execution ended without an outcome; a round that cannot start never stays running", () =>
    withApi(async (api) => {
      const r = await sixSession(api)
      const postId: string = ok(await createPost(api, r.sessionId, { fileIds: [r.ids[B]] })).posts[0].postId
      // Two starts at once (a double click): one job, one execution.
      const [x, y] = await Promise.all([0, 1].map(() => api.call("POST", `/api/sessions/${r.sessionId}/posts/${postId}/captions`)))
      const jobId: string = ok(x!).jobId
      expect(ok(y!).jobId).toBe(jobId)
      expect([...api.startedCaptions.keys()]).toEqual([jobId])
      expect((await api.run(PostStore.use((s) => s.listCaptionJobs(r.sessionId)))).map((j) => j.jobId)).toEqual([jobId])
      api.setExecution(jobId, "FAILED")
      const failed = ok(await api.call("GET", `/api/sessions/${r.sessionId}/captions/${jobId}`))
      expect(failed).toMatchObject({ status: "failed", error: { tag: "JobInterruptedError" }, stale: false })
      expect(failed.error.message).toMatch(/ended as FAILED/)
      // Nothing to refine: the start makes a new job.
      expectError(
        await api.call("POST", `/api/sessions/${r.sessionId}/captions/${jobId}/feedback`, { feedback: "shorter" }),
        409,
        "InvalidInputError",
        /failed/
      )
      const again = ok(await api.call("POST", `/api/sessions/${r.sessionId}/posts/${postId}/captions`))
      expect(again.jobId).not.toBe(jobId)
      // Its round 0 was written, then feedback's execution name already exists (it ended): 409, the job is not left running.
      await writeCaption(api, r.sessionId, again.jobId, { round: 0, postRevision: 0 })
      api.setExecution(`${again.jobId}-r1`, "FAILED")
      expectError(
        await api.call("POST", `/api/sessions/${r.sessionId}/captions/${again.jobId}/feedback`, { feedback: "shorter" }),
        409,
        "ExecutionAlreadyExistsError",
        /already exists/
      )
      expect(ok(await api.call("GET", `/api/sessions/${r.sessionId}/captions/${again.jobId}`))).toMatchObject({ status: "failed", pendingFeedback: null })
    }))
})

describe("API posts: going back to the review", () => {
  it("reopening bumps the generation and un-confirms; confirming again removes excluded items from their posts only", () =>
    withApi(async (api) => {
      const r = await sixSession(api)
      const { sessionId, ids } = r
      const s1 = ok(await createPost(api, sessionId, { label: "One", fileIds: [ids[A], ids[D]] }))
      const one = s1.posts[0].postId
      const two = ok(await createPost(api, sessionId, { label: "Two", fileIds: [ids[C]] })).posts[1].postId
      const captionOne = ok(await api.call("POST", `/api/sessions/${sessionId}/posts/${one}/captions`)).jobId
      const captionTwo = ok(await api.call("POST", `/api/sessions/${sessionId}/posts/${two}/captions`)).jobId
      await writeCaption(api, sessionId, captionOne, { round: 0, postRevision: 0 })
      await writeCaption(api, sessionId, captionTwo, { round: 0, postRevision: 0 })
      const download = ok(await api.call("POST", `/api/sessions/${sessionId}/downloads`, {})).jobId
      await api.run(PostStore.use((s) => s.completeDownloadJob(sessionId, download, new Date().toISOString())))

      const reopen = () => api.call("POST", `/api/sessions/${sessionId}/selection/${r.selectionJobId}/reopen`)
      const reopened = ok(await reopen())
      expect(reopened).toMatchObject({ jobId: r.selectionJobId, confirmed: false, confirmedAt: null })
      // A repeated reopen changes nothing.
      ok(await reopen())
      const session = ok(await api.call("GET", `/api/sessions/${sessionId}`))
      expect(session).toMatchObject({ generation: 1, postCount: 2, review: { confirmed: false }, download: { jobId: download, status: "complete", stale: true } })
      expectError(await posts(api, sessionId), 409, "InvalidInputError", /not confirmed/)
      expectError(await createPost(api, sessionId, {}), 409, "InvalidInputError", /not confirmed/)

      // The review is open again: exclude D, confirm.
      ok(await api.call("PUT", `/api/sessions/${sessionId}/selection/${r.selectionJobId}/overrides`, { fileId: ids[D], action: "exclude" }))
      ok(await r.confirm())
      const after = ok(await posts(api, sessionId))
      expect(after.generation).toBe(1)
      expect(postOf(after, one)).toMatchObject({ fileIds: [ids[A]], revision: 1, caption: { jobId: captionOne, stale: true } })
      expect(postOf(after, two)).toMatchObject({ fileIds: [ids[C]], revision: 0, caption: { jobId: captionTwo, stale: false } })
      expect(after.items.map((i: any) => i.fileId)).not.toContain(ids[D])
      expect(ok(await api.call("GET", `/api/sessions/${sessionId}/downloads/${download}`)).stale).toBe(true)

      // Reopening another session's job or a job that is not the latest: 404 / 409.
      const other = await sixSession(api)
      expectError(await api.call("POST", `/api/sessions/${sessionId}/selection/${other.selectionJobId}/reopen`), 404, "NotFoundError", /not found/)
    }))
})

describe("API posts: downloads", () => {
  it("snapshots each non-empty post's entries (names, carousel order, enhanced or original key, bytes) and starts the DownloadPipeline", () =>
    withApi(async (api) => {
      const r = await sixSession(api)
      const { sessionId, ids } = r
      expectError(await api.call("POST", `/api/sessions/${sessionId}/downloads`, {}), 409, "InvalidInputError", /no post has items/)
      const enhancementJobId = await enhanceB(api, r)
      ok(await api.call("POST", `/api/sessions/${sessionId}/enhancement/${enhancementJobId}/accept`, { choices: [{ fileId: ids[B], round: 0 }] }))
      const p1 = ok(await createPost(api, sessionId, { label: "Ribeira!", fileIds: [ids[A], ids[B], ids[F]] })).posts[0].postId
      ok(await createPost(api, sessionId, { label: "Nothing yet" }))
      const p3 = ok(await createPost(api, sessionId, { label: "Douro", fileIds: [ids[C], ids[D]] })).posts[2].postId
      expectError(await api.call("POST", `/api/sessions/${sessionId}/downloads`, { bundleBytes: 1000 }), 400, "InvalidInputError", /at least 1048576/)

      const jobId: string = ok(await api.call("POST", `/api/sessions/${sessionId}/downloads`, { keepGps: true, bundleBytes: 2 * 1024 * 1024 })).jobId
      const input = api.startedDownloads.get(jobId)!
      expect(input).toEqual({ sessionId, jobId, expiresAt: input.expiresAt, keepGps: true, bundleBytes: 2 * 1024 * 1024, posts: [{ postId: p1 }, { postId: p3 }] })
      const key = async (i: number) => (await uploadRecord(api, sessionId, ids[i]!)).key
      const records = await api.run(PostStore.use((s) => s.listDownloadPosts(sessionId, jobId)))
      expect(records.map((p) => [p.postId, p.index, p.label, p.status])).toEqual([
        [p1, 0, "Ribeira!", "pending"],
        [p3, 1, "Douro", "pending"]
      ])
      expect(records[0]!.entries).toEqual([
        { fileId: ids[A], key: await key(A), entryName: "01-Cafe_a_la_plage.jpg", kind: "photo", bytes: 1000 },
        // The accepted round (0), not the latest (1); the extension is the exported key's.
        { fileId: ids[B], key: BlobKeys.enhancedRound(sessionId, ids[B]!, 0, "jpg"), entryName: "02-b.jpg", kind: "photo", bytes: 2222 },
        { fileId: ids[F], key: await key(F), entryName: "03-hidden.jpg", kind: "photo", bytes: 1300 }
      ])
      expect(records[1]!.entries).toEqual([
        { fileId: ids[C], key: await key(C), entryName: "01-c.mov", kind: "video", bytes: 4000 },
        { fileId: ids[D], key: await key(D), entryName: "02-d.jpg", kind: "photo", bytes: 1100 }
      ])
      // A repeated request while it runs returns the same job.
      expect(ok(await api.call("POST", `/api/sessions/${sessionId}/downloads`, { keepGps: true, bundleBytes: 2 * 1024 * 1024 })).jobId).toBe(jobId)
      expect(api.startedDownloads.size).toBe(1)

      const status = () => api.call("GET", `/api/sessions/${sessionId}/downloads/${jobId}`)
      const running = ok(await status())
      expect(running).toMatchObject({ jobId, status: "running", keepGps: true, bundleBytes: 2 * 1024 * 1024, stale: false, counts: { total: 2, pending: 2, processing: 0, done: 0, failed: 0 } })
      expect(running.posts[0]).toEqual({
        postId: p1,
        index: 0,
        label: "Ribeira!",
        status: "pending",
        reason: null,
        entries: ["01-Cafe_a_la_plage.jpg", "02-b.jpg", "03-hidden.jpg"],
        bundles: []
      })

      // The bundle task: post 1 done with one bundle (its blob written), post 2 failed (the Map's Catch).
      const bundle = { name: "01-ribeira", bytes: 6000, entries: ["01-Cafe_a_la_plage.jpg", "02-b.jpg", "03-hidden.jpg"] }
      await api.run(
        Effect.gen(function* () {
          const store = yield* PostStore
          yield* store.markDownloadPostProcessing(sessionId, jobId, p1)
          yield* (yield* BlobStore).put(BlobKeys.bundle(sessionId, jobId, bundle.name), new Uint8Array(6000), "application/zip")
          yield* store.putDownloadPostDone(sessionId, jobId, p1, [bundle])
        })
      )
      const url = (name: string) => api.call("GET", `/api/sessions/${sessionId}/downloads/${jobId}/bundles/${name}/url`)
      expectError(await url("02-douro"), 409, "InvalidInputError", /still running/)
      const signed = ok(await url("01-ribeira"))
      expect(signed).toMatchObject({ contentType: "application/zip", variant: "bundle" })
      const grant = await Effect.runPromise(verifyBlobUrl(api.secret, "GET", new URL(signed.url, "http://127.0.0.1:4173"), Math.floor(Date.now() / 1000)))
      expect(grant).toMatchObject({ key: BlobKeys.bundle(sessionId, jobId, "01-ribeira"), contentType: "application/zip", contentDisposition: 'attachment; filename="01-ribeira.zip"' })

      await api.run(PostStore.use((s) => s.completeDownloadJob(sessionId, jobId, new Date().toISOString())))
      const finished = ok(await status())
      expect(finished.counts).toEqual({ total: 2, pending: 0, processing: 0, done: 1, failed: 1 })
      expect(finished.posts[1]).toMatchObject({ status: "failed", reason: { tag: "JobInterruptedError" } })
      expect(finished.posts[0].bundles).toEqual([bundle])
      expectError(await url("02-douro"), 404, "NotFoundError", /has no bundle 02-douro/)
      expectError(await url("Bad_Name"), 400, "InvalidInputError", /invalid request/)
      expect(ok(await api.call("GET", `/api/sessions/${sessionId}`)).download).toMatchObject({ jobId, status: "complete", stale: false })

      // Another session sees none of it.
      const other = await sixSession(api)
      expectError(await api.call("GET", `/api/sessions/${other.sessionId}/downloads/${jobId}`), 404, "NotFoundError", /not found/)
      expectError(await api.call("GET", `/api/sessions/${other.sessionId}/downloads/${jobId}/bundles/01-ribeira/url`), 404, "NotFoundError", /not found/)

      // A post changes: the download is stale, and a new start makes a new job.
      ok(await updatePost(api, sessionId, p3, { label: "Douro", fileIds: [ids[D]], revision: 0 }))
      expect(ok(await status()).stale).toBe(true)
      const next = ok(await api.call("POST", `/api/sessions/${sessionId}/downloads`, {})).jobId
      expect(next).not.toBe(jobId)
      expect(api.startedDownloads.get(next)).toMatchObject({ keepGps: false, bundleBytes: 375 * 1024 * 1024 })
    }))

  it("starts one job for a double click; fails a download whose execution ended without an outcome, its unfinished posts with it", () =>
    withApi(async (api) => {
      const r = await sixSession(api)
      const p1 = ok(await createPost(api, r.sessionId, { fileIds: [r.ids[A]] })).posts[0].postId
      // Two starts at once (a double click): one job, one execution.
      const [x, y] = await Promise.all([0, 1].map(() => api.call("POST", `/api/sessions/${r.sessionId}/downloads`, {})))
      const jobId: string = ok(x!).jobId
      expect(ok(y!).jobId).toBe(jobId)
      expect([...api.startedDownloads.keys()]).toEqual([jobId])
      expect((await api.run(PostStore.use((s) => s.listDownloadJobs(r.sessionId)))).map((j) => j.jobId)).toEqual([jobId])
      api.setExecution(jobId, "TIMED_OUT")
      const failed = ok(await api.call("GET", `/api/sessions/${r.sessionId}/downloads/${jobId}`))
      expect(failed).toMatchObject({ status: "failed", error: { tag: "JobInterruptedError" }, counts: { total: 1, failed: 1 } })
      expect(failed.error.message).toMatch(/TIMED_OUT/)
      expect(failed.posts[0]).toMatchObject({ postId: p1, status: "failed", reason: { tag: "JobInterruptedError" } })
      expect(ok(await api.call("GET", `/api/sessions/${r.sessionId}`)).download).toMatchObject({ jobId, status: "failed" })
    }))
})
