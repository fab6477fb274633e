/**
 * The caption task program (CaptionPipeline's one Task), run by
 * apps/selection-worker (`captionHandler`) on Lambda and by the local executor
 * in-process: read the caption job and its post (PostStore), the session's trip
 * context (`META`), the post's items with their scene labels from the
 * session's selection, ask the Captioner for the round's draft, and append it
 * as the job's next version (`PostStore.appendCaptionVersion`).
 *
 * The selection read: the session's latest selection job whose review is
 * confirmed (the kept items the posts are made of), else the latest complete
 * one. Each post fileId takes its `MediaItem` and thumbnail key from that job's
 * item records and its scene label from the job's result (`selected[].scene`,
 * else the scene group that lists it); a fileId the job does not know (the post
 * changed meanwhile) is left out. Thumbnails are read only when the Captioner
 * uses them (Gemini); a missing thumbnail is sent without a picture.
 *
 * Idempotent: a retry whose round is already stored returns it without calling
 * the Captioner again; the append is conditional on the round before it.
 *
 * Errors: NotFoundError (job, post or session absent or expired: terminal),
 * StoreConflictError (the event's round does not follow the stored rounds, the
 * job belongs to another post, or a concurrent append), InvalidInputError (a
 * feedback round without feedback), the Captioner's AI errors, the store
 * errors. The state machine's Catch records the job failed.
 */
import {
  CaptionTaskEvent,
  CaptionTaskResult,
  type CaptionVersion,
  type SelectionItemRecord,
  type SelectionJobRecord,
  StoreConflictError
} from "@curator/contracts"
import { BlobStore, PostStore, SessionStore } from "@curator/store"
import { Clock, Effect } from "effect"
import { type CaptionItem, Captioner } from "./Captioner.js"
import { meteredFor } from "./SessionTokenMeter.js"

/** The services the caption task needs. */
export type CaptionTaskServices = SessionStore | PostStore | BlobStore | Captioner

/** The selection job whose items the posts hold: the latest with a confirmed review, else the latest complete one; null when none. */
const selectionOf = Effect.fnUntraced(function*(sessionId: string) {
  const sessions = yield* SessionStore
  const jobs = [...(yield* sessions.listSelectionJobs(sessionId))].reverse()
  for (const job of jobs) {
    if ((yield* sessions.getReview(sessionId, job.jobId)) !== null) return job
  }
  return jobs.find((j) => j.status === "complete") ?? null
})

/** Scene label per fileId from a selection result (a pick's `scene`, else the group that lists the item). */
const scenesOf = (job: SelectionJobRecord | null): ReadonlyMap<string, string> => {
  const scenes = new Map<string, string>()
  for (const group of job?.result?.sceneGroups ?? []) for (const fileId of group.items) if (!scenes.has(fileId)) scenes.set(fileId, group.name)
  for (const pick of job?.result?.selected ?? []) scenes.set(pick.fileId, pick.scene)
  return scenes
}

/** Runs one caption round; returns the job and the stored round. */
export const runCaptionTask = Effect.fn("CaptionTask.run")(function*(event: CaptionTaskEvent) {
  const posts = yield* PostStore
  const sessions = yield* SessionStore
  const blobs = yield* BlobStore
  const captioner = yield* Captioner
  const { jobId, postId, round, sessionId } = event
  const job = yield* posts.getCaptionJob(sessionId, jobId)
  if (job.postId !== postId) {
    return yield* new StoreConflictError({ message: `caption job ${jobId} belongs to post ${job.postId}, not ${postId}` })
  }
  if (job.rounds[round] !== undefined) return { jobId, round } satisfies CaptionTaskResult
  if (job.rounds.length !== round) {
    return yield* new StoreConflictError({ message: `caption job ${jobId} has ${job.rounds.length} round(s); round ${round} cannot follow them` })
  }
  const post = yield* posts.getPost(sessionId, postId)
  const meta = yield* sessions.getSession(sessionId)
  const selection = yield* selectionOf(sessionId)
  const records: ReadonlyMap<string, SelectionItemRecord> = selection === null
    ? new Map()
    : new Map((yield* sessions.listSelectionItems(sessionId, selection.jobId)).map((r) => [r.fileId, r]))
  const scenes = scenesOf(selection)
  const known = post.fileIds.flatMap((fileId) => {
    const record = records.get(fileId)
    return record?.status === "done" && record.item !== null ? [{ record, item: record.item }] : []
  })
  if (known.length < post.fileIds.length) {
    yield* Effect.logWarning(`caption ${jobId}: ${post.fileIds.length - known.length} of the post's ${post.fileIds.length} items are not in the selection; captioning the rest`)
  }
  const items: ReadonlyArray<CaptionItem> = yield* Effect.forEach(
    known,
    ({ item, record }) =>
      Effect.gen(function*() {
        const thumbnail = captioner.usesThumbnails && record.thumbnailKey !== null
          ? yield* blobs.get(record.thumbnailKey).pipe(Effect.catchTag("NotFoundError", () => Effect.succeed(null)))
          : null
        return { item, scene: scenes.get(item.fileId) ?? null, thumbnail }
      }),
    { concurrency: 8 }
  )
  const written = yield* captioner.write({
    tripContext: meta.tripContext,
    label: post.label,
    items,
    history: job.rounds,
    feedback: round === 0 ? null : event.feedback
  })
  const now = new Date(yield* Clock.currentTimeMillis).toISOString()
  const version: CaptionVersion = {
    round,
    source: "generated",
    feedback: round === 0 ? null : event.feedback,
    draft: written.draft,
    model: written.model,
    postRevision: post.revision,
    createdAt: now,
    note: written.note
  }
  yield* posts.appendCaptionVersion(sessionId, jobId, version, now)
  return { jobId, round } satisfies CaptionTaskResult
})

/**
 * The task definition: event and result Schemas and the program. The Lambda
 * (apps/selection-worker `captionHandler`) and the local stack both wrap
 * exactly this with `makeTaskHandler`, so the two homes run the same code.
 */
export const captionTask = {
  event: CaptionTaskEvent,
  result: CaptionTaskResult,
  /** The program, its Gemini calls metered against the session's token quota (SessionTokenMeter). */
  program: (event: CaptionTaskEvent) => runCaptionTask(event).pipe(meteredFor(event.sessionId))
} as const
