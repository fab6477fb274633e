/**
 * The PostStore implementation (interface and write rules in ../PostStore.ts)
 * over the `DynamoDb` client in context: the same table, key grammar
 * (`Keys`), conditional-write and decode rules as SessionStore.
 *
 * Conditions use attribute name placeholders throughout (`status`, `index`
 * are DynamoDB reserved words). A failed condition re-reads the record
 * consistently and decides: the same value stored -> success (a retry),
 * absent -> NotFoundError where the operation has one, else StoreConflictError.
 */
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb"
import {
  type BundleInfo,
  CaptionJobRecord,
  CaptionVersion,
  DownloadJobRecord,
  DownloadPostRecord,
  Keys,
  NotFoundError,
  PostRecord,
  SessionMeta,
  StoreConflictError
} from "@curator/contracts"
import { Clock, Effect, Schema } from "effect"
import { DynamoDb } from "../DynamoDb.js"
import type { PostStoreService, RunningJob } from "../PostStore.js"
import type { StoreCallError } from "../SessionStore.js"
import { conditionalCall, dynamoCall } from "./dynamoErrors.js"
import { decodeRecord, type RecordSchema } from "./records.js"
import { canonicalJson } from "./rounds.js"

/** PostStore settings (the same as SessionStore's). */
export interface PostStoreOptions {
  /** The table (`PK`, `SK` strings). */
  readonly tableName: string
  /** `Limit` of each Query/Scan page; unset: DynamoDB's 1 MB pages. Tests set a small value to exercise pagination. */
  readonly pageSize?: number
}

const nowSeconds = Clock.currentTimeMillis.pipe(Effect.map((ms) => Math.floor(ms / 1000)))

const encodePost = Schema.encodeSync(PostRecord)
const samePost = Schema.toEquivalence(PostRecord)
const encodeCaptionJob = Schema.encodeSync(CaptionJobRecord)
const sameCaptionJob = Schema.toEquivalence(CaptionJobRecord)
const encodeVersion = Schema.encodeSync(CaptionVersion)
const encodeDownloadJob = Schema.encodeSync(DownloadJobRecord)
const sameDownloadJob = Schema.toEquivalence(DownloadJobRecord)
const encodeDownloadPost = Schema.encodeSync(DownloadPostRecord)

/** True when two caption versions agree on everything but `createdAt` (a retried task stamps its own time). */
export const sameVersionContent = (a: CaptionVersion, b: CaptionVersion): boolean =>
  a.round === b.round &&
  a.source === b.source &&
  a.feedback === b.feedback &&
  a.model === b.model &&
  a.postRevision === b.postRevision &&
  canonicalJson(a.draft) === canonicalJson(b.draft)

/** True when two bundle lists are equal (same order). */
const sameBundles = (a: ReadonlyArray<BundleInfo>, b: ReadonlyArray<BundleInfo>): boolean => canonicalJson(a) === canonicalJson(b)

/** Builds the PostStore service over the `DynamoDb` client in context. */
export const makePostStore = (options: PostStoreOptions) =>
  Effect.gen(function* () {
    const { document } = yield* DynamoDb
    const TableName = options.tableName
    const Limit = options.pageSize

    const key = (sessionId: string, sk: string) => ({ PK: Keys.pk(sessionId), SK: sk })
    const conflict = (message: string) => Effect.fail(new StoreConflictError({ message }))
    const notFound = (what: string, sessionId: string, sk: string) =>
      Effect.fail(new NotFoundError({ message: `${what} not found: ${Keys.pk(sessionId)} ${sk}` }))

    /** Consistent read of one record, decoded; null when absent (expiry is the caller's business). */
    const read = <A>(schema: RecordSchema<A>, what: string, sessionId: string, sk: string) =>
      dynamoCall(`GetItem ${what}`, () => document.send(new GetCommand({ TableName, Key: key(sessionId, sk), ConsistentRead: true }))).pipe(
        Effect.flatMap((out) => (out.Item === undefined ? Effect.succeed(null) : decodeRecord(schema, out.Item, what)))
      )

    /** `read`, null also when expired. */
    const readUnexpired = <A extends { readonly expiresAt: number }>(schema: RecordSchema<A>, what: string, sessionId: string, sk: string) =>
      Effect.gen(function* () {
        const record = yield* read(schema, what, sessionId, sk)
        const now = yield* nowSeconds
        return record === null || record.expiresAt <= now ? null : record
      })

    /** `read`, but NotFoundError when absent or expired. */
    const readLive = <A extends { readonly expiresAt: number }>(schema: RecordSchema<A>, what: string, sessionId: string, sk: string) =>
      Effect.flatMap(readUnexpired(schema, what, sessionId, sk), (record) =>
        record === null ? notFound(what, sessionId, sk) : Effect.succeed(record)
      )

    /** A conditional write; when the condition fails, `resolve` gets the stored record (or null) and decides. */
    const conditional = <A, B, E>(
      operation: string,
      write: () => Promise<unknown>,
      reread: Effect.Effect<A | null, StoreCallError>,
      resolve: (stored: A | null) => Effect.Effect<B, E>,
      onSuccess: (out: unknown) => Effect.Effect<B>
    ): Effect.Effect<B, E | StoreCallError> =>
      conditionalCall(operation, write).pipe(
        Effect.flatMap(onSuccess),
        Effect.catchTag("ConditionFailed", () => Effect.flatMap(reread, resolve))
      )

    /**
     * Puts a record that must not exist yet (`attribute_not_exists(SK)`); when it does, the
     * stored record is re-read: `same(stored)` -> success (a retry), else StoreConflictError
     * with `conflictMessage`.
     */
    const createOnce = <A>(
      what: string,
      schema: RecordSchema<A>,
      sessionId: string,
      sk: string,
      item: Record<string, unknown>,
      same: (stored: A) => boolean,
      conflictMessage: string
    ) =>
      conditional(
        `PutItem ${what}`,
        () => document.send(new PutCommand({ TableName, Item: { ...key(sessionId, sk), ...item }, ConditionExpression: "attribute_not_exists(SK)" })),
        read(schema, what, sessionId, sk),
        (stored) => (stored !== null && same(stored) ? Effect.void : conflict(conflictMessage)),
        () => Effect.void
      )

    /** The `Attributes` of an `ALL_NEW` UpdateItem, decoded. */
    const attributes =
      <A>(schema: RecordSchema<A>, what: string) =>
      (out: unknown): Effect.Effect<A> =>
        decodeRecord(schema, ((out as { Attributes?: Record<string, unknown> }).Attributes ?? {}), what)

    /** Unexpired records of a session whose SK begins with `prefix` (all pages), with their SK; `keep` filters by SK before decoding. */
    const queryPrefix = <A>(what: string, sessionId: string, prefix: string, schema: RecordSchema<A>, keep: (sk: string) => boolean = () => true) =>
      Effect.gen(function* () {
        const now = yield* nowSeconds
        const records: Array<A> = []
        let start: Record<string, unknown> | undefined
        do {
          const out = yield* dynamoCall(`Query ${what}`, () =>
            document.send(
              new QueryCommand({
                TableName,
                KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
                FilterExpression: "#expiresAt > :now",
                ExpressionAttributeNames: { "#expiresAt": "expiresAt" },
                ExpressionAttributeValues: { ":pk": Keys.pk(sessionId), ":prefix": prefix, ":now": now },
                ConsistentRead: true,
                Limit,
                ExclusiveStartKey: start
              })
            )
          )
          for (const raw of out.Items ?? []) {
            if (!keep(String(raw["SK"]))) continue
            records.push(yield* decodeRecord(schema, raw, what))
          }
          start = out.LastEvaluatedKey
        } while (start !== undefined)
        return records
      })

    const sessionPrefix = Keys.pk("")

    /** Every unexpired `running` record whose SK starts with `prefix`, across sessions: a Scan (local start-up reconciliation). */
    const scanRunning = <A extends { readonly jobId: string }>(what: string, prefix: string, schema: RecordSchema<A>) =>
      Effect.gen(function* () {
        const now = yield* nowSeconds
        const jobs: Array<RunningJob<A>> = []
        let start: Record<string, unknown> | undefined
        do {
          const out = yield* dynamoCall(`Scan running ${what}s`, () =>
            document.send(
              new ScanCommand({
                TableName,
                // Download post records never hold `running` (pending/processing/done/failed), so status tells jobs apart.
                FilterExpression: "#status = :running AND begins_with(SK, :prefix) AND #expiresAt > :now",
                ExpressionAttributeNames: { "#status": "status", "#expiresAt": "expiresAt" },
                ExpressionAttributeValues: { ":running": "running", ":prefix": prefix, ":now": now },
                ConsistentRead: true,
                Limit,
                ExclusiveStartKey: start
              })
            )
          )
          for (const raw of out.Items ?? []) {
            const record = yield* decodeRecord(schema, raw, what)
            jobs.push({ sessionId: String(raw["PK"]).slice(sessionPrefix.length), jobId: record.jobId, record })
          }
          start = out.LastEvaluatedKey
        } while (start !== undefined)
        return jobs
      })

    // ---- generation ---------------------------------------------------------

    const bumpGeneration: PostStoreService["bumpGeneration"] = (sessionId, expected) =>
      Effect.gen(function* () {
        const now = yield* nowSeconds
        return yield* conditional(
          "UpdateItem bump generation",
          () =>
            document.send(
              new UpdateCommand({
                TableName,
                Key: key(sessionId, Keys.meta()),
                UpdateExpression: "SET #generation = :next",
                ConditionExpression: "attribute_exists(PK) AND #generation = :expected AND #expiresAt > :now",
                ExpressionAttributeNames: { "#generation": "generation", "#expiresAt": "expiresAt" },
                ExpressionAttributeValues: { ":next": expected + 1, ":expected": expected, ":now": now }
              })
            ),
          readUnexpired(SessionMeta, "session", sessionId, Keys.meta()),
          (stored): Effect.Effect<number, NotFoundError | StoreConflictError> =>
            stored === null
              ? notFound("session", sessionId, Keys.meta())
              : conflict(`session ${sessionId} is at generation ${stored.generation}, not ${expected}; reload and try again`),
          () => Effect.succeed(expected + 1)
        )
      })

    const deleteReview: PostStoreService["deleteReview"] = (sessionId, jobId) =>
      dynamoCall("DeleteItem review", () => document.send(new DeleteCommand({ TableName, Key: key(sessionId, Keys.review(jobId)) }))).pipe(
        Effect.asVoid
      )

    // ---- posts ----------------------------------------------------------------

    const listPosts: PostStoreService["listPosts"] = (sessionId) =>
      queryPrefix("post", sessionId, Keys.postPrefix(), PostRecord).pipe(
        Effect.map((posts) => posts.sort((a, b) => a.index - b.index || a.postId.localeCompare(b.postId)))
      )

    const getPost: PostStoreService["getPost"] = (sessionId, postId) => readLive(PostRecord, "post", sessionId, Keys.post(postId))

    const putPost: PostStoreService["putPost"] = (sessionId, record, expectedRevision) => {
      const expectedWritten = expectedRevision === null ? 0 : expectedRevision + 1
      if (record.revision !== expectedWritten) {
        return Effect.die(new Error(`putPost: post ${record.postId} written with revision ${record.revision}, expected ${expectedWritten}`))
      }
      return conditional(
        expectedRevision === null ? "PutItem create post" : "PutItem update post",
        () =>
          document.send(
            new PutCommand({
              TableName,
              Item: { ...key(sessionId, Keys.post(record.postId)), ...encodePost(record) },
              ...(expectedRevision === null
                ? { ConditionExpression: "attribute_not_exists(SK)" }
                : {
                    ConditionExpression: "#revision = :expected",
                    ExpressionAttributeNames: { "#revision": "revision" },
                    ExpressionAttributeValues: { ":expected": expectedRevision }
                  })
            })
          ),
        read(PostRecord, "post", sessionId, Keys.post(record.postId)),
        (stored) =>
          stored !== null && samePost(stored, record)
            ? Effect.void
            : conflict(
                stored === null
                  ? `post ${record.postId} of session ${sessionId} does not exist (deleted meanwhile?)`
                  : expectedRevision === null
                    ? `post ${record.postId} of session ${sessionId} already exists`
                    : `post ${record.postId} changed meanwhile: it is at revision ${stored.revision}, not ${expectedRevision}; reload and try again`
              ),
        () => Effect.void
      )
    }

    const deletePost: PostStoreService["deletePost"] = (sessionId, postId, expectedRevision) =>
      conditional(
        "DeleteItem post",
        () =>
          document.send(
            new DeleteCommand({
              TableName,
              Key: key(sessionId, Keys.post(postId)),
              ConditionExpression: "attribute_not_exists(SK) OR #revision = :expected",
              ExpressionAttributeNames: { "#revision": "revision" },
              ExpressionAttributeValues: { ":expected": expectedRevision }
            })
          ),
        read(PostRecord, "post", sessionId, Keys.post(postId)),
        (stored) =>
          stored === null
            ? Effect.void
            : conflict(`post ${postId} changed meanwhile: it is at revision ${stored.revision}, not ${expectedRevision}; reload and try again`),
        () => Effect.void
      )

    // ---- captions -------------------------------------------------------------

    const createCaptionJob: PostStoreService["createCaptionJob"] = (sessionId, record) =>
      createOnce(
        "caption job",
        CaptionJobRecord,
        sessionId,
        Keys.captionJob(record.jobId),
        encodeCaptionJob(record),
        (stored) => sameCaptionJob(stored, record),
        `caption job ${record.jobId} of session ${sessionId} already exists with different values`
      )

    const getCaptionJob: PostStoreService["getCaptionJob"] = (sessionId, jobId) =>
      readLive(CaptionJobRecord, "caption job", sessionId, Keys.captionJob(jobId))

    const listCaptionJobs: PostStoreService["listCaptionJobs"] = (sessionId) =>
      queryPrefix("caption job", sessionId, Keys.captionJobPrefix(), CaptionJobRecord).pipe(
        Effect.map((jobs) => jobs.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.jobId.localeCompare(b.jobId)))
      )

    const CAPTION_NAMES = {
      "#status": "status",
      "#rounds": "rounds",
      "#pendingFeedback": "pendingFeedback",
      "#errorTag": "errorTag",
      "#errorMessage": "errorMessage",
      "#finishedAt": "finishedAt"
    } as const

    const beginCaptionRound: PostStoreService["beginCaptionRound"] = (sessionId, jobId, round) =>
      conditional(
        "UpdateItem begin caption round",
        () =>
          document.send(
            new UpdateCommand({
              TableName,
              Key: key(sessionId, Keys.captionJob(jobId)),
              UpdateExpression:
                "SET #status = :running, #pendingFeedback = :feedback, #execution = :execution, #startedAt = :startedAt, " +
                "#finishedAt = :null, #errorTag = :null, #errorMessage = :null",
              ConditionExpression: "attribute_exists(SK) AND #status <> :running AND size(#rounds) = :expected",
              ExpressionAttributeNames: { ...CAPTION_NAMES, "#execution": "execution", "#startedAt": "startedAt" },
              ExpressionAttributeValues: {
                ":running": "running",
                ":feedback": round.feedback,
                ":execution": round.execution,
                ":startedAt": round.startedAt,
                ":null": null,
                ":expected": round.expectedRounds
              },
              ReturnValues: "ALL_NEW"
            })
          ),
        readUnexpired(CaptionJobRecord, "caption job", sessionId, Keys.captionJob(jobId)),
        (stored): Effect.Effect<CaptionJobRecord, NotFoundError | StoreConflictError> =>
          stored === null
            ? notFound("caption job", sessionId, Keys.captionJob(jobId))
            : stored.status === "running"
              ? conflict(`a caption round is still running for caption job ${jobId}; wait for it to finish`)
              : conflict(`caption job ${jobId} has ${stored.rounds.length} rounds, not ${round.expectedRounds}; reload and try again`),
        attributes(CaptionJobRecord, "caption job")
      )

    const appendCaptionVersion: PostStoreService["appendCaptionVersion"] = (sessionId, jobId, version, finishedAt) =>
      conditional(
        "UpdateItem append caption version",
        () =>
          document.send(
            new UpdateCommand({
              TableName,
              Key: key(sessionId, Keys.captionJob(jobId)),
              UpdateExpression:
                "SET #rounds = list_append(#rounds, :version), #status = :complete, #finishedAt = :finishedAt, " +
                "#pendingFeedback = :null, #errorTag = :null, #errorMessage = :null",
              // An edit never lands while a generated round is running; a generated round only needs its slot.
              ConditionExpression:
                version.source === "edited"
                  ? "attribute_exists(SK) AND size(#rounds) = :round AND #status <> :running"
                  : "attribute_exists(SK) AND size(#rounds) = :round",
              ExpressionAttributeNames: CAPTION_NAMES,
              ExpressionAttributeValues: {
                ":version": [encodeVersion(version)],
                ":complete": "complete",
                ":finishedAt": finishedAt,
                ":null": null,
                ":round": version.round,
                ...(version.source === "edited" ? { ":running": "running" } : {})
              },
              ReturnValues: "ALL_NEW"
            })
          ),
        read(CaptionJobRecord, "caption job", sessionId, Keys.captionJob(jobId)),
        (stored): Effect.Effect<CaptionJobRecord, NotFoundError | StoreConflictError> => {
          if (stored === null) return notFound("caption job", sessionId, Keys.captionJob(jobId))
          const existing = stored.rounds[version.round]
          if (existing !== undefined && sameVersionContent(existing, version)) return Effect.succeed(stored)
          if (version.source === "edited" && stored.status === "running") {
            return conflict(`a caption round is still running for caption job ${jobId}; wait for it to finish before editing`)
          }
          return conflict(`caption job ${jobId} has ${stored.rounds.length} rounds; version ${version.round} expected ${version.round}`)
        },
        attributes(CaptionJobRecord, "caption job")
      )

    const failCaptionJob: PostStoreService["failCaptionJob"] = (sessionId, jobId, failure) =>
      conditionalCall("UpdateItem fail caption job", () =>
        document.send(
          new UpdateCommand({
            TableName,
            Key: key(sessionId, Keys.captionJob(jobId)),
            UpdateExpression: "SET #status = :failed, #errorTag = :errorTag, #errorMessage = :errorMessage, #finishedAt = :finishedAt, #pendingFeedback = :null",
            ConditionExpression: "#status = :running",
            ExpressionAttributeNames: {
              "#status": "status",
              "#errorTag": "errorTag",
              "#errorMessage": "errorMessage",
              "#finishedAt": "finishedAt",
              "#pendingFeedback": "pendingFeedback"
            },
            ExpressionAttributeValues: {
              ":failed": "failed",
              ":running": "running",
              ":errorTag": failure.errorTag,
              ":errorMessage": failure.errorMessage,
              ":finishedAt": failure.finishedAt,
              ":null": null
            }
          })
        )
      ).pipe(
        Effect.asVoid,
        // Not running (finished meanwhile, or absent): nothing to fail.
        Effect.catchTag("ConditionFailed", () => Effect.void)
      )

    const acceptCaption: PostStoreService["acceptCaption"] = (sessionId, jobId, round) =>
      round < 0
        ? conflict(`caption job ${jobId} has no round ${round}`)
        : conditional(
            "UpdateItem accept caption",
            () =>
              document.send(
                new UpdateCommand({
                  TableName,
                  Key: key(sessionId, Keys.captionJob(jobId)),
                  UpdateExpression: "SET #acceptedRound = :round",
                  ConditionExpression: "attribute_exists(SK) AND #status <> :running AND size(#rounds) > :round",
                  ExpressionAttributeNames: { "#status": "status", "#rounds": "rounds", "#acceptedRound": "acceptedRound" },
                  ExpressionAttributeValues: { ":round": round, ":running": "running" },
                  ReturnValues: "ALL_NEW"
                })
              ),
            readUnexpired(CaptionJobRecord, "caption job", sessionId, Keys.captionJob(jobId)),
            (stored): Effect.Effect<CaptionJobRecord, NotFoundError | StoreConflictError> =>
              stored === null
                ? notFound("caption job", sessionId, Keys.captionJob(jobId))
                : stored.status === "running"
                  ? conflict(`a caption round is still running for caption job ${jobId}; wait for it to finish`)
                  : conflict(`caption job ${jobId} has no round ${round} (it has ${stored.rounds.length})`),
            attributes(CaptionJobRecord, "caption job")
          )

    const deleteItem = (what: string, sessionId: string, sk: string) =>
      dynamoCall(`DeleteItem ${what}`, () => document.send(new DeleteCommand({ TableName, Key: key(sessionId, sk) }))).pipe(Effect.asVoid)

    const deleteCaptionJob: PostStoreService["deleteCaptionJob"] = (sessionId, jobId) => deleteItem("caption job", sessionId, Keys.captionJob(jobId))

    const listRunningCaptionJobs: PostStoreService["listRunningCaptionJobs"] = () =>
      scanRunning("caption job", Keys.captionJobPrefix(), CaptionJobRecord)

    // ---- downloads ------------------------------------------------------------

    /** The post record as the API snapshotted it (what a retried start compares; the bundle task advances the rest). */
    const sameSnapshot = (a: DownloadPostRecord, b: DownloadPostRecord) =>
      a.postId === b.postId && a.index === b.index && a.label === b.label && canonicalJson(a.entries) === canonicalJson(b.entries)

    const createDownloadJob: PostStoreService["createDownloadJob"] = (sessionId, record, posts) =>
      Effect.gen(function* () {
        // Post records first: once the job record exists, its posts do.
        yield* Effect.forEach(
          posts,
          (post) =>
            createOnce(
              "download post",
              DownloadPostRecord,
              sessionId,
              Keys.downloadPost(record.jobId, post.postId),
              encodeDownloadPost(post),
              (stored) => sameSnapshot(stored, post),
              `post ${post.postId} of download job ${record.jobId} already exists with different entries`
            ),
          { concurrency: 4, discard: true }
        )
        yield* createOnce(
          "download job",
          DownloadJobRecord,
          sessionId,
          Keys.downloadJob(record.jobId),
          encodeDownloadJob(record),
          // A retry finds the same job, possibly advanced by the state machine meanwhile.
          (stored) => sameDownloadJob({ ...stored, status: record.status, finishedAt: null, errorTag: null, errorMessage: null }, record),
          `download job ${record.jobId} of session ${sessionId} already exists with different values`
        )
      })

    const getDownloadJob: PostStoreService["getDownloadJob"] = (sessionId, jobId) =>
      readLive(DownloadJobRecord, "download job", sessionId, Keys.downloadJob(jobId))

    const listDownloadJobs: PostStoreService["listDownloadJobs"] = (sessionId) => {
      const prefix = Keys.downloadJobPrefix()
      // Post records (`DOWNLOAD#<job>#POST#...`) share the prefix: a job's SK has no `#` after it.
      return queryPrefix("download job", sessionId, prefix, DownloadJobRecord, (sk) => !sk.slice(prefix.length).includes("#")).pipe(
        Effect.map((jobs) => jobs.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.jobId.localeCompare(b.jobId)))
      )
    }

    const listDownloadPosts: PostStoreService["listDownloadPosts"] = (sessionId, jobId) =>
      queryPrefix("download post", sessionId, Keys.downloadPostPrefix(jobId), DownloadPostRecord).pipe(
        Effect.map((posts) => posts.sort((a, b) => a.index - b.index || a.postId.localeCompare(b.postId)))
      )

    const getDownloadPost: PostStoreService["getDownloadPost"] = (sessionId, jobId, postId) =>
      readLive(DownloadPostRecord, "download post", sessionId, Keys.downloadPost(jobId, postId))

    const markDownloadPostProcessing: PostStoreService["markDownloadPostProcessing"] = (sessionId, jobId, postId) =>
      conditional(
        "UpdateItem download post processing",
        () =>
          document.send(
            new UpdateCommand({
              TableName,
              Key: key(sessionId, Keys.downloadPost(jobId, postId)),
              UpdateExpression: "SET #status = :processing, #errorTag = :null, #errorMessage = :null",
              ConditionExpression: "attribute_exists(SK) AND #status <> :done",
              ExpressionAttributeNames: { "#status": "status", "#errorTag": "errorTag", "#errorMessage": "errorMessage" },
              ExpressionAttributeValues: { ":processing": "processing", ":done": "done", ":null": null },
              ReturnValues: "ALL_NEW"
            })
          ),
        read(DownloadPostRecord, "download post", sessionId, Keys.downloadPost(jobId, postId)),
        (stored): Effect.Effect<DownloadPostRecord, NotFoundError> =>
          stored === null ? notFound("download post", sessionId, Keys.downloadPost(jobId, postId)) : Effect.succeed(stored),
        attributes(DownloadPostRecord, "download post")
      )

    const putDownloadPostDone: PostStoreService["putDownloadPostDone"] = (sessionId, jobId, postId, bundles) =>
      conditional(
        "UpdateItem download post done",
        () =>
          document.send(
            new UpdateCommand({
              TableName,
              Key: key(sessionId, Keys.downloadPost(jobId, postId)),
              UpdateExpression: "SET #status = :done, #bundles = :bundles, #errorTag = :null, #errorMessage = :null",
              ConditionExpression: "attribute_exists(SK) AND #status <> :done",
              ExpressionAttributeNames: { "#status": "status", "#bundles": "bundles", "#errorTag": "errorTag", "#errorMessage": "errorMessage" },
              ExpressionAttributeValues: { ":done": "done", ":bundles": bundles.map((b) => ({ name: b.name, bytes: b.bytes, entries: [...b.entries] })), ":null": null }
            })
          ),
        read(DownloadPostRecord, "download post", sessionId, Keys.downloadPost(jobId, postId)),
        (stored) =>
          stored === null
            ? conflict(`post ${postId} of download job ${jobId} has no record; the download start writes it`)
            : sameBundles(stored.bundles, bundles)
              ? Effect.void
              : conflict(`post ${postId} of download job ${jobId} is already done with other bundles`),
        () => Effect.void
      )

    /** `running` -> `status` with `finishedAt` (and the error); a job no longer running is left as it is. */
    const endDownloadJob = (
      sessionId: string,
      jobId: string,
      status: "complete" | "failed",
      finishedAt: string,
      failure: { readonly errorTag: string; readonly errorMessage: string } | null
    ) =>
      conditionalCall(`UpdateItem ${status} download job`, () =>
        document.send(
          new UpdateCommand({
            TableName,
            Key: key(sessionId, Keys.downloadJob(jobId)),
            UpdateExpression: "SET #status = :status, #finishedAt = :finishedAt, #errorTag = :errorTag, #errorMessage = :errorMessage",
            ConditionExpression: "#status = :running",
            ExpressionAttributeNames: { "#status": "status", "#finishedAt": "finishedAt", "#errorTag": "errorTag", "#errorMessage": "errorMessage" },
            ExpressionAttributeValues: {
              ":status": status,
              ":running": "running",
              ":finishedAt": finishedAt,
              ":errorTag": failure?.errorTag ?? null,
              ":errorMessage": failure?.errorMessage ?? null
            }
          })
        )
      ).pipe(
        Effect.asVoid,
        Effect.catchTag("ConditionFailed", () => Effect.void)
      )

    const completeDownloadJob: PostStoreService["completeDownloadJob"] = (sessionId, jobId, finishedAt) =>
      endDownloadJob(sessionId, jobId, "complete", finishedAt, null)

    const failDownloadJob: PostStoreService["failDownloadJob"] = (sessionId, jobId, failure) =>
      endDownloadJob(sessionId, jobId, "failed", failure.finishedAt, failure)

    const deleteDownloadJob: PostStoreService["deleteDownloadJob"] = (sessionId, jobId) =>
      Effect.gen(function* () {
        // The job record first: once it is gone, no reader looks for its posts.
        yield* deleteItem("download job", sessionId, Keys.downloadJob(jobId))
        // Every post record, expired or not (the Query of listDownloadPosts would skip expired ones).
        let start: Record<string, unknown> | undefined
        do {
          const out = yield* dynamoCall("Query download post keys", () =>
            document.send(
              new QueryCommand({
                TableName,
                KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
                ProjectionExpression: "PK, SK",
                ExpressionAttributeValues: { ":pk": Keys.pk(sessionId), ":prefix": Keys.downloadPostPrefix(jobId) },
                ConsistentRead: true,
                Limit,
                ExclusiveStartKey: start
              })
            )
          )
          yield* Effect.forEach(out.Items ?? [], (raw) => deleteItem("download post", sessionId, String(raw["SK"])), { concurrency: 4, discard: true })
          start = out.LastEvaluatedKey
        } while (start !== undefined)
      })

    const listRunningDownloadJobs: PostStoreService["listRunningDownloadJobs"] = () =>
      scanRunning("download job", Keys.downloadJobPrefix(), DownloadJobRecord)

    const service: PostStoreService = {
      bumpGeneration,
      deleteReview,
      listPosts,
      getPost,
      putPost,
      deletePost,
      createCaptionJob,
      getCaptionJob,
      listCaptionJobs,
      beginCaptionRound,
      appendCaptionVersion,
      failCaptionJob,
      acceptCaption,
      deleteCaptionJob,
      listRunningCaptionJobs,
      createDownloadJob,
      getDownloadJob,
      listDownloadJobs,
      listDownloadPosts,
      getDownloadPost,
      markDownloadPostProcessing,
      putDownloadPostDone,
      completeDownloadJob,
      failDownloadJob,
      deleteDownloadJob,
      listRunningDownloadJobs
    }
    return service
  })
