/**
 * SessionStore: the session table of ARCHITECTURE.md "State" over the
 * DynamoDB API. One table, `PK = SESSION#<id>`, `SK` from `Keys`
 * (@curator/contracts). This code runs unchanged on AWS DynamoDB and on the
 * local dynalite (`@curator/store/local`): only the `DynamoDb` client and the
 * table name differ.
 *
 * Write rules:
 * - every write is conditional; a retry whose condition fails because the
 *   SAME value is stored succeeds, a different value fails with
 *   StoreConflictError (the stored record is re-read consistently to tell);
 * - parallel workers write their own item records; progress is a Query over
 *   them (`listSelectionItems`), never a counter;
 * - a `done` item is never overwritten by a different value or downgraded;
 *   a `complete` job is never overwritten.
 *
 * Reads filter `expiresAt > now` (DynamoDB TTL deletes lazily, dynalite not
 * at all), decode every record with its Schema (a malformed record is a
 * defect) and tolerate records the Step Functions DynamoDB integration wrote
 * with only some attributes (see internal/records.ts).
 *
 * Errors: StoreThrottledError (throttling names), StoreUnavailableError
 * (5xx, network), StoreConflictError, NotFoundError; anything else the SDK
 * throws is a defect.
 */
import { GetCommand, PutCommand, QueryCommand, ScanCommand, DeleteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb"
import {
  EnhancementAcceptanceRecord,
  EnhancementItemRecord,
  EnhancementJobRecord,
  type EnhancementKind,
  EnhancementRound,
  Keys,
  MediaItem,
  NotFoundError,
  OverrideRecord,
  ReviewRecord,
  SelectionItemRecord,
  SelectionJobRecord,
  SelectionResult,
  SessionMeta,
  StoreConflictError,
  UploadRecord,
  type StoreThrottledError,
  type StoreUnavailableError
} from "@curator/contracts"
import { Clock, Config, Context, Effect, Layer, Schema } from "effect"
import { DynamoDb } from "./DynamoDb.js"
import { conditionalCall, dynamoCall } from "./internal/dynamoErrors.js"
import { decodeRecord, type RecordSchema } from "./internal/records.js"
import { sameRoundContent } from "./internal/rounds.js"

/** Failures every table call can end with (both retryable in THE error table). */
export type StoreCallError = StoreThrottledError | StoreUnavailableError

/** A job whose record says `running`, with the session it belongs to. */
export interface RunningSelectionJob {
  readonly sessionId: string
  readonly jobId: string
  readonly record: SelectionJobRecord
}

/** An enhancement job whose record says `running`, with the session it belongs to. */
export interface RunningEnhancementJob {
  readonly sessionId: string
  readonly jobId: string
  readonly record: EnhancementJobRecord
}

/** The SessionStore operations. Times are ISO 8601 strings; `expiresAt` and `now` are epoch seconds. */
export interface SessionStoreService {
  /** The table's name (state machines write failure records to it through the DynamoDB integration). */
  readonly tableName: string
  /** Creates `META` (condition `attribute_not_exists(PK)`); the same meta already stored succeeds. */
  readonly createSession: (meta: SessionMeta) => Effect.Effect<void, StoreConflictError | StoreCallError>
  /** The session's `META`; NotFoundError when missing or expired. */
  readonly getSession: (sessionId: string) => Effect.Effect<SessionMeta, NotFoundError | StoreCallError>
  /**
   * Adds `tokens` (>= 0) to `META.tokensUsed` and `costMicroUsd` (>= 0, millionths of a USD,
   * default 0) to `META.costMicroUsd` with one atomic `ADD` (no read-modify-write; a retried AI
   * call really used its tokens, so counting it twice is right). Returns the new token total;
   * NotFoundError when the session does not exist.
   */
  readonly addTokensUsed: (sessionId: string, tokens: number, costMicroUsd?: number) => Effect.Effect<number, NotFoundError | StoreCallError>
  /**
   * Writes `UPLOAD#<fileId>`. A `pending` record may be re-declared; an
   * `uploaded` one only rewritten with the same value (else StoreConflictError).
   */
  readonly putUpload: (sessionId: string, record: UploadRecord) => Effect.Effect<void, StoreConflictError | StoreCallError>
  /** Sets the upload's status to `uploaded` (idempotent) and returns the record; NotFoundError when it was never declared. */
  readonly markUploaded: (sessionId: string, fileId: string) => Effect.Effect<UploadRecord, NotFoundError | StoreCallError>
  /** One declared upload; NotFoundError when missing or expired. */
  readonly getUpload: (sessionId: string, fileId: string) => Effect.Effect<UploadRecord, NotFoundError | StoreCallError>
  /** Every unexpired upload of the session, in fileId order. */
  readonly listUploads: (sessionId: string) => Effect.Effect<ReadonlyArray<UploadRecord>, StoreCallError>
  /** Creates `SELECTION#<job>` (condition `attribute_not_exists(SK)`); the same record already stored succeeds. */
  readonly createSelectionJob: (sessionId: string, record: SelectionJobRecord) => Effect.Effect<void, StoreConflictError | StoreCallError>
  /** The job record; NotFoundError when missing or expired. */
  readonly getSelectionJob: (sessionId: string, jobId: string) => Effect.Effect<SelectionJobRecord, NotFoundError | StoreCallError>
  /**
   * `running` -> `complete` with `result` (condition `status = running`).
   * Already complete with an equal result succeeds; any other stored state
   * is a StoreConflictError; a missing job NotFoundError.
   */
  readonly completeSelectionJob: (
    sessionId: string,
    jobId: string,
    result: SelectionResult,
    finishedAt: string
  ) => Effect.Effect<void, NotFoundError | StoreConflictError | StoreCallError>
  /**
   * Marks the job `failed` with the error's tag and message (condition
   * `status <> complete`): a complete job is never overwritten
   * (StoreConflictError); a missing job is NotFoundError.
   */
  readonly failSelectionJob: (
    sessionId: string,
    jobId: string,
    errorTag: string,
    errorMessage: string,
    finishedAt: string
  ) => Effect.Effect<void, NotFoundError | StoreConflictError | StoreCallError>
  /**
   * Writes the item as `processing` (condition `attribute_not_exists(SK) OR
   * status = processing`, so a task retry passes). StoreConflictError when
   * the item is already `done` or `failed`.
   */
  readonly markItemProcessing: (
    sessionId: string,
    jobId: string,
    fileId: string,
    expiresAt: number
  ) => Effect.Effect<void, StoreConflictError | StoreCallError>
  /**
   * Writes the item as `done` with its MediaItem and thumbnail key, over a
   * missing, `processing` or `failed` record (condition `status <> done`).
   * An equal `done` record succeeds; a different one is StoreConflictError.
   */
  readonly putItemDone: (
    sessionId: string,
    jobId: string,
    fileId: string,
    item: MediaItem,
    thumbnailKey: string,
    expiresAt: number
  ) => Effect.Effect<void, StoreConflictError | StoreCallError>
  /** Writes the item as `failed` (condition `status <> done`): a done item is never downgraded (StoreConflictError). */
  readonly putItemFailed: (
    sessionId: string,
    jobId: string,
    fileId: string,
    errorTag: string,
    errorMessage: string,
    expiresAt: number
  ) => Effect.Effect<void, StoreConflictError | StoreCallError>
  /**
   * Every unexpired item record of the job (Query on
   * `begins_with(SK, "SELECTION#<job>#ITEM#")`, all pages), in fileId order.
   * Progress is derived from these: no record = pending.
   */
  readonly listSelectionItems: (sessionId: string, jobId: string) => Effect.Effect<ReadonlyArray<SelectionItemRecord>, StoreCallError>
  /**
   * Every unexpired selection job whose status is `running`, across
   * sessions (a Scan). Used by the local stack's start-up reconciliation; on
   * AWS a job is reconciled when polled (`DescribeExecution`) instead, since
   * a Scan of a large table is slow and costly.
   */
  readonly listRunningSelectionJobs: () => Effect.Effect<ReadonlyArray<RunningSelectionJob>, StoreCallError>
  /**
   * Every unexpired selection job of the session, oldest first (by
   * `startedAt`, then jobId). One Query over the `SELECTION#` prefix; item
   * records share that prefix and are skipped by their SK (a key attribute
   * cannot be filtered server-side), so this reads them too — fine for a
   * session's few thousand records.
   */
  readonly listSelectionJobs: (sessionId: string) => Effect.Effect<ReadonlyArray<SelectionJobRecord>, StoreCallError>
  /**
   * Writes the override of one item of a job's review
   * (`REVIEW#<job>#OVERRIDE#<fileId>`, last write wins: the person's latest
   * toggle is the truth). StoreConflictError once the review is confirmed
   * (condition checked before the write; a confirm racing a toggle is
   * resolved by the person's next read).
   */
  readonly putOverride: (sessionId: string, jobId: string, record: OverrideRecord) => Effect.Effect<void, StoreConflictError | StoreCallError>
  /** Removes the item's override (deleting a missing one succeeds); StoreConflictError once the review is confirmed. */
  readonly deleteOverride: (sessionId: string, jobId: string, fileId: string) => Effect.Effect<void, StoreConflictError | StoreCallError>
  /** Every unexpired override of the job's review, in fileId order. */
  readonly listOverrides: (sessionId: string, jobId: string) => Effect.Effect<ReadonlyArray<OverrideRecord>, StoreCallError>
  /**
   * Confirms the review (`REVIEW#<job>`, condition `attribute_not_exists(SK)`):
   * confirming again succeeds and returns the FIRST confirmation.
   */
  readonly confirmReview: (sessionId: string, record: ReviewRecord) => Effect.Effect<ReviewRecord, StoreCallError>
  /** The confirmation of the job's review, or null when not confirmed (or expired). */
  readonly getReview: (sessionId: string, jobId: string) => Effect.Effect<ReviewRecord | null, StoreCallError>
  /**
   * Deletes every record with `expiresAt <= now` (epoch seconds) and returns
   * how many it deleted. Each delete is conditional on the record still
   * being expired. dynalite has no TTL, so the local stack calls this.
   */
  readonly sweepExpired: (now: number) => Effect.Effect<number, StoreCallError>
  /** Creates `ENHANCE#<job>` (condition `attribute_not_exists(SK)`); the same record already stored succeeds. */
  readonly createEnhancementJob: (sessionId: string, record: EnhancementJobRecord) => Effect.Effect<void, StoreConflictError | StoreCallError>
  /** Every unexpired enhancement job whose status is `running`, across sessions (a Scan; see `listRunningSelectionJobs`). */
  readonly listRunningEnhancementJobs: () => Effect.Effect<ReadonlyArray<RunningEnhancementJob>, StoreCallError>
  /** The enhancement job record; NotFoundError when missing or expired. */
  readonly getEnhancementJob: (sessionId: string, jobId: string) => Effect.Effect<EnhancementJobRecord, NotFoundError | StoreCallError>
  /**
   * Marks the job `failed` with the error's tag and message (condition
   * `status <> complete`): a complete job is never overwritten
   * (StoreConflictError); a missing job is NotFoundError.
   */
  readonly failEnhancementJob: (
    sessionId: string,
    jobId: string,
    errorTag: string,
    errorMessage: string,
    finishedAt: string
  ) => Effect.Effect<void, NotFoundError | StoreConflictError | StoreCallError>
  /** The item record `ENHANCE#<job>#ITEM#<fileId>`, or null when absent or expired. */
  readonly getEnhancementItem: (sessionId: string, jobId: string, fileId: string) => Effect.Effect<EnhancementItemRecord | null, StoreCallError>
  /**
   * Marks the item `processing` for a new round and returns the stored
   * record: created with no rounds (`currentRound` -1) when absent, else only
   * `status` and the error fields change, so the history is kept. Condition
   * `attribute_not_exists(SK) OR kind = :kind`: a video never lands in a
   * photo's slot (StoreConflictError). An item the API already marked
   * processing (`beginEnhancementRound`) passes, its `pendingFeedback` and
   * `execution` kept.
   */
  readonly markEnhancementItemProcessing: (
    sessionId: string,
    jobId: string,
    fileId: string,
    kind: EnhancementKind,
    expiresAt: number
  ) => Effect.Effect<EnhancementItemRecord, StoreConflictError | StoreCallError>
  /**
   * Appends `round` to the item's history and marks it `done`, with
   * optimistic concurrency: condition `kind = :kind AND currentRound =
   * round.round - 1`. When the condition fails but the stored history already
   * holds an equal round at that index (a retried task; `createdAt` is not
   * compared) it succeeds without a second append; otherwise
   * StoreConflictError (another kind, a missing record, or another writer's round).
   */
  readonly appendEnhancementRound: (
    sessionId: string,
    jobId: string,
    fileId: string,
    kind: EnhancementKind,
    round: EnhancementRound
  ) => Effect.Effect<void, StoreConflictError | StoreCallError>
  /**
   * Every unexpired item record of the enhancement job (Query on
   * `begins_with(SK, "ENHANCE#<job>#ITEM#")`, all pages), in fileId order.
   * Progress is derived from these: no record = pending.
   */
  readonly listEnhancementItems: (sessionId: string, jobId: string) => Effect.Effect<ReadonlyArray<EnhancementItemRecord>, StoreCallError>
  /**
   * Every unexpired enhancement job of the session, oldest first (by
   * `startedAt`, then jobId). One Query over the `ENHANCE#` prefix keeping
   * only job records (SK `ENHANCE#<job>` with no further `#`); item and
   * acceptance records share the prefix and are skipped.
   */
  readonly listEnhancementJobs: (sessionId: string) => Effect.Effect<ReadonlyArray<EnhancementJobRecord>, StoreCallError>
  /**
   * Starts a feedback round on an existing item: `status := processing`,
   * `pendingFeedback := feedback`, `execution := execution`, error fields
   * cleared; the history is kept. Condition `kind = :kind AND status <>
   * processing AND currentRound = :expected`, so a second request for the
   * same item (a double-click) or for a stale round never starts a second
   * round: StoreConflictError, also for a missing record. Returns the stored
   * record. The worker's later `markEnhancementItemProcessing` passes over it
   * (same kind) and keeps these fields.
   */
  readonly beginEnhancementRound: (
    sessionId: string,
    jobId: string,
    fileId: string,
    begin: {
      readonly kind: EnhancementKind
      /** The `currentRound` the caller read: the new round is `expectedCurrentRound + 1`. */
      readonly expectedCurrentRound: number
      readonly feedback: string
      /** The round's execution name (`enhancementExecutionName`). */
      readonly execution: string
      /** ISO 8601 instant the round was started (stored as `roundStartedAt`). */
      readonly startedAt: string
    }
  ) => Effect.Effect<EnhancementItemRecord, StoreConflictError | StoreCallError>
  /**
   * Marks a `processing` item `failed` with the error's tag and message
   * (condition `status = processing`; `pendingFeedback` cleared, rounds
   * kept): reconciliation of a round whose execution ended without an
   * outcome, or a round that could not start. StoreConflictError when the
   * item is not processing (its round ended meanwhile) or missing.
   */
  readonly failEnhancementItem: (
    sessionId: string,
    jobId: string,
    fileId: string,
    errorTag: string,
    errorMessage: string
  ) => Effect.Effect<void, StoreConflictError | StoreCallError>
  /**
   * Writes `ENHANCE#<job>#ACCEPTED` (last write wins, like overrides: the
   * person's latest acceptance is the truth).
   */
  readonly putEnhancementAcceptance: (sessionId: string, record: EnhancementAcceptanceRecord) => Effect.Effect<void, StoreCallError>
  /** The job's acceptance, or null when not accepted (or expired). */
  readonly getEnhancementAcceptance: (sessionId: string, jobId: string) => Effect.Effect<EnhancementAcceptanceRecord | null, StoreCallError>
}

/** SessionStore settings. */
export interface SessionStoreOptions {
  /** The table (`PK`, `SK` strings). */
  readonly tableName: string
  /**
   * `Limit` of each Query/Scan page. Unset: DynamoDB's own 1 MB pages. Tests
   * set a small value to exercise pagination.
   */
  readonly pageSize?: number
}

/** Default table name when `CURATOR_TABLE` is unset. */
export const DEFAULT_TABLE_NAME = "curator-sessions"

// Attribute names used in expressions: `status`, `result` and `item` are DynamoDB reserved words.
const NAMES = {
  status: { "#status": "status" },
  expiresAt: { "#expiresAt": "expiresAt" }
} as const

const nowSeconds = Clock.currentTimeMillis.pipe(Effect.map((ms) => Math.floor(ms / 1000)))

const encodeMeta = Schema.encodeSync(SessionMeta)
const encodeUpload = Schema.encodeSync(UploadRecord)
const encodeJob = Schema.encodeSync(SelectionJobRecord)
const encodeItem = Schema.encodeSync(SelectionItemRecord)
const encodeResult = Schema.encodeSync(SelectionResult)
const encodeReview = Schema.encodeSync(ReviewRecord)
const encodeOverride = Schema.encodeSync(OverrideRecord)
const sameMeta = Schema.toEquivalence(SessionMeta)
const sameUpload = Schema.toEquivalence(UploadRecord)
const sameJob = Schema.toEquivalence(SelectionJobRecord)
const sameItem = Schema.toEquivalence(SelectionItemRecord)
const sameResult = Schema.toEquivalence(SelectionResult)
const encodeEnhancementJob = Schema.encodeSync(EnhancementJobRecord)
const encodeRound = Schema.encodeSync(EnhancementRound)
const sameEnhancementJob = Schema.toEquivalence(EnhancementJobRecord)
const encodeAcceptance = Schema.encodeSync(EnhancementAcceptanceRecord)

/** Builds the service over the `DynamoDb` client in context. */
export const makeSessionStore = (options: SessionStoreOptions) =>
  Effect.gen(function* () {
    const { document } = yield* DynamoDb
    const TableName = options.tableName
    const Limit = options.pageSize

    const key = (sessionId: string, sk: string) => ({ PK: Keys.pk(sessionId), SK: sk })

    /** Consistent read of one record, decoded; `null` when absent (expiry is the caller's business). */
    const read = <A>(schema: RecordSchema<A>, what: string, sessionId: string, sk: string) =>
      dynamoCall(`GetItem ${what}`, () => document.send(new GetCommand({ TableName, Key: key(sessionId, sk), ConsistentRead: true }))).pipe(
        Effect.flatMap((out) => (out.Item === undefined ? Effect.succeed(null) : decodeRecord(schema, out.Item, what)))
      )

    /** `read`, but NotFoundError when absent or expired. */
    const readLive = <A extends { readonly expiresAt: number }>(schema: RecordSchema<A>, what: string, sessionId: string, sk: string) =>
      Effect.gen(function* () {
        const record = yield* read(schema, what, sessionId, sk)
        const now = yield* nowSeconds
        if (record === null || record.expiresAt <= now) {
          return yield* new NotFoundError({ message: `${what} not found: ${Keys.pk(sessionId)} ${sk}` })
        }
        return record
      })

    /**
     * A conditional write; when the condition fails, `resolve` gets the
     * stored record (or null) and decides: succeed, conflict or not found.
     */
    const conditional = <A, E>(
      operation: string,
      write: () => Promise<unknown>,
      reread: Effect.Effect<A | null, StoreCallError>,
      resolve: (stored: A | null) => Effect.Effect<void, E>
    ): Effect.Effect<void, E | StoreCallError> =>
      conditionalCall(operation, write).pipe(
        Effect.asVoid,
        Effect.catchTag("ConditionFailed", () => Effect.flatMap(reread, resolve))
      )

    const conflict = (message: string) => Effect.fail(new StoreConflictError({ message }))

    /** All pages of a Query or Scan, items decoded. */
    const paginate = <A>(
      operation: string,
      what: string,
      page: (start: Record<string, unknown> | undefined) => Promise<{ Items?: Array<Record<string, unknown>>; LastEvaluatedKey?: Record<string, unknown> }>,
      schema: RecordSchema<A>
    ) =>
      Effect.gen(function* () {
        const items: Array<{ raw: Record<string, unknown>; record: A }> = []
        let start: Record<string, unknown> | undefined
        do {
          const out = yield* dynamoCall(operation, () => page(start))
          for (const raw of out.Items ?? []) items.push({ raw, record: yield* decodeRecord(schema, raw, what) })
          start = out.LastEvaluatedKey
        } while (start !== undefined)
        return items
      })

    /** Unexpired records of a session whose SK begins with `prefix`, all pages. */
    const queryPrefix = <A>(what: string, sessionId: string, prefix: string, schema: RecordSchema<A>) =>
      Effect.gen(function* () {
        const now = yield* nowSeconds
        const rows = yield* paginate(
          `Query ${what}`,
          what,
          (ExclusiveStartKey) =>
            document.send(
              new QueryCommand({
                TableName,
                KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
                FilterExpression: "#expiresAt > :now",
                ExpressionAttributeNames: NAMES.expiresAt,
                ExpressionAttributeValues: { ":pk": Keys.pk(sessionId), ":prefix": prefix, ":now": now },
                ConsistentRead: true,
                Limit,
                ExclusiveStartKey
              })
            ),
          schema
        )
        return rows.map((r) => r.record) as ReadonlyArray<A>
      })

    const createSession: SessionStoreService["createSession"] = (meta) =>
      conditional(
        "PutItem session",
        () =>
          document.send(
            new PutCommand({
              TableName,
              Item: { ...key(meta.sessionId, Keys.meta()), ...encodeMeta(meta) },
              ConditionExpression: "attribute_not_exists(PK)"
            })
          ),
        read(SessionMeta, "session", meta.sessionId, Keys.meta()),
        (stored) =>
          stored !== null && sameMeta(stored, meta) ? Effect.void : conflict(`session ${meta.sessionId} already exists with different values`)
      )

    const getSession: SessionStoreService["getSession"] = (sessionId) => readLive(SessionMeta, "session", sessionId, Keys.meta())

    const addTokensUsed: SessionStoreService["addTokensUsed"] = (sessionId, tokens, costMicroUsd = 0) =>
      conditionalCall("UpdateItem session tokens", () =>
        document.send(
          new UpdateCommand({
            TableName,
            Key: key(sessionId, Keys.meta()),
            UpdateExpression: "ADD tokensUsed :n, costMicroUsd :c",
            ConditionExpression: "attribute_exists(PK)",
            ExpressionAttributeValues: { ":n": Math.max(0, Math.round(tokens)), ":c": Math.max(0, Math.round(costMicroUsd)) },
            ReturnValues: "UPDATED_NEW"
          })
        )
      ).pipe(
        Effect.map((out) => Number(out.Attributes?.["tokensUsed"] ?? 0)),
        Effect.catchTag("ConditionFailed", () => Effect.fail(new NotFoundError({ message: `session not found: ${Keys.pk(sessionId)}` })))
      )

    const putUpload: SessionStoreService["putUpload"] = (sessionId, record) =>
      conditional(
        "PutItem upload",
        () =>
          document.send(
            new PutCommand({
              TableName,
              Item: { ...key(sessionId, Keys.upload(record.fileId)), ...encodeUpload(record) },
              ConditionExpression: "attribute_not_exists(SK) OR #status = :pending",
              ExpressionAttributeNames: NAMES.status,
              ExpressionAttributeValues: { ":pending": "pending" }
            })
          ),
        read(UploadRecord, "upload", sessionId, Keys.upload(record.fileId)),
        (stored) =>
          stored !== null && sameUpload(stored, record)
            ? Effect.void
            : conflict(`upload ${record.fileId} of session ${sessionId} is already ${stored?.status ?? "written"} with different values`)
      )

    const markUploaded: SessionStoreService["markUploaded"] = (sessionId, fileId) =>
      conditionalCall("UpdateItem upload", () =>
        document.send(
          new UpdateCommand({
            TableName,
            Key: key(sessionId, Keys.upload(fileId)),
            UpdateExpression: "SET #status = :uploaded",
            ConditionExpression: "attribute_exists(SK)",
            ExpressionAttributeNames: NAMES.status,
            ExpressionAttributeValues: { ":uploaded": "uploaded" },
            ReturnValues: "ALL_NEW"
          })
        )
      ).pipe(
        Effect.flatMap((out) => decodeRecord(UploadRecord, out.Attributes ?? {}, "upload")),
        Effect.catchTag("ConditionFailed", () =>
          Effect.fail(new NotFoundError({ message: `upload not found: ${Keys.pk(sessionId)} ${Keys.upload(fileId)}` }))
        )
      )

    const getUpload: SessionStoreService["getUpload"] = (sessionId, fileId) => readLive(UploadRecord, "upload", sessionId, Keys.upload(fileId))

    const listUploads: SessionStoreService["listUploads"] = (sessionId) =>
      queryPrefix("upload", sessionId, Keys.uploadPrefix(), UploadRecord)

    const createSelectionJob: SessionStoreService["createSelectionJob"] = (sessionId, record) =>
      conditional(
        "PutItem selection job",
        () =>
          document.send(
            new PutCommand({
              TableName,
              Item: { ...key(sessionId, Keys.selectionJob(record.jobId)), ...encodeJob(record) },
              ConditionExpression: "attribute_not_exists(SK)"
            })
          ),
        read(SelectionJobRecord, "selection job", sessionId, Keys.selectionJob(record.jobId)),
        (stored) =>
          stored !== null && sameJob(stored, record)
            ? Effect.void
            : conflict(`selection job ${record.jobId} of session ${sessionId} already exists with different values`)
      )

    const getSelectionJob: SessionStoreService["getSelectionJob"] = (sessionId, jobId) =>
      readLive(SelectionJobRecord, "selection job", sessionId, Keys.selectionJob(jobId))

    const jobNotFound = (sessionId: string, jobId: string) =>
      Effect.fail(new NotFoundError({ message: `selection job not found: ${Keys.pk(sessionId)} ${Keys.selectionJob(jobId)}` }))

    const completeSelectionJob: SessionStoreService["completeSelectionJob"] = (sessionId, jobId, result, finishedAt) =>
      conditional(
        "UpdateItem complete selection job",
        () =>
          document.send(
            new UpdateCommand({
              TableName,
              Key: key(sessionId, Keys.selectionJob(jobId)),
              UpdateExpression:
                "SET #status = :complete, #result = :result, #finishedAt = :finishedAt, #errorTag = :null, #errorMessage = :null",
              ConditionExpression: "#status = :running",
              ExpressionAttributeNames: {
                ...NAMES.status,
                "#result": "result",
                "#finishedAt": "finishedAt",
                "#errorTag": "errorTag",
                "#errorMessage": "errorMessage"
              },
              ExpressionAttributeValues: {
                ":complete": "complete",
                ":running": "running",
                ":result": encodeResult(result),
                ":finishedAt": finishedAt,
                ":null": null
              }
            })
          ),
        read(SelectionJobRecord, "selection job", sessionId, Keys.selectionJob(jobId)),
        (stored): Effect.Effect<void, NotFoundError | StoreConflictError> => {
          if (stored === null) return jobNotFound(sessionId, jobId)
          if (stored.status === "complete" && stored.result !== null && sameResult(stored.result, result)) return Effect.void
          return conflict(`selection job ${jobId} is ${stored.status}${stored.status === "complete" ? " with a different result" : ""}; not completing it`)
        }
      )

    const failSelectionJob: SessionStoreService["failSelectionJob"] = (sessionId, jobId, errorTag, errorMessage, finishedAt) =>
      conditional(
        "UpdateItem fail selection job",
        () =>
          document.send(
            new UpdateCommand({
              TableName,
              Key: key(sessionId, Keys.selectionJob(jobId)),
              UpdateExpression: "SET #status = :failed, #errorTag = :errorTag, #errorMessage = :errorMessage, #finishedAt = :finishedAt",
              ConditionExpression: "attribute_exists(SK) AND #status <> :complete",
              ExpressionAttributeNames: { ...NAMES.status, "#errorTag": "errorTag", "#errorMessage": "errorMessage", "#finishedAt": "finishedAt" },
              ExpressionAttributeValues: {
                ":failed": "failed",
                ":complete": "complete",
                ":errorTag": errorTag,
                ":errorMessage": errorMessage,
                ":finishedAt": finishedAt
              }
            })
          ),
        read(SelectionJobRecord, "selection job", sessionId, Keys.selectionJob(jobId)),
        (stored): Effect.Effect<void, NotFoundError | StoreConflictError> => (stored === null ? jobNotFound(sessionId, jobId) : conflict(`selection job ${jobId} is already complete; not failing it`))
      )

    const itemSk = Keys.selectionItem

    const putItem = (
      operation: string,
      sessionId: string,
      jobId: string,
      record: SelectionItemRecord,
      condition: string,
      values: Record<string, unknown>,
      resolve: (stored: SelectionItemRecord | null) => Effect.Effect<void, StoreConflictError>
    ) =>
      conditional(
        operation,
        () =>
          document.send(
            new PutCommand({
              TableName,
              Item: { ...key(sessionId, itemSk(jobId, record.fileId)), ...encodeItem(record) },
              ConditionExpression: condition,
              ExpressionAttributeNames: NAMES.status,
              ExpressionAttributeValues: values
            })
          ),
        read(SelectionItemRecord, "selection item", sessionId, itemSk(jobId, record.fileId)),
        resolve
      )

    const markItemProcessing: SessionStoreService["markItemProcessing"] = (sessionId, jobId, fileId, expiresAt) =>
      putItem(
        "PutItem item processing",
        sessionId,
        jobId,
        { fileId, status: "processing", item: null, thumbnailKey: null, errorTag: null, errorMessage: null, expiresAt },
        "attribute_not_exists(SK) OR #status = :processing",
        { ":processing": "processing" },
        (stored) => conflict(`item ${fileId} of selection job ${jobId} is already ${stored?.status ?? "written"}; not marking it processing`)
      )

    const putItemDone: SessionStoreService["putItemDone"] = (sessionId, jobId, fileId, item, thumbnailKey, expiresAt) => {
      const record: SelectionItemRecord = { fileId, status: "done", item, thumbnailKey, errorTag: null, errorMessage: null, expiresAt }
      return putItem(
        "PutItem item done",
        sessionId,
        jobId,
        record,
        "attribute_not_exists(SK) OR #status <> :done",
        { ":done": "done" },
        (stored) =>
          stored !== null && sameItem(stored, record)
            ? Effect.void
            : conflict(`item ${fileId} of selection job ${jobId} is already done with a different value`)
      )
    }

    const putItemFailed: SessionStoreService["putItemFailed"] = (sessionId, jobId, fileId, errorTag, errorMessage, expiresAt) =>
      putItem(
        "PutItem item failed",
        sessionId,
        jobId,
        { fileId, status: "failed", item: null, thumbnailKey: null, errorTag, errorMessage, expiresAt },
        "attribute_not_exists(SK) OR #status <> :done",
        { ":done": "done" },
        () => conflict(`item ${fileId} of selection job ${jobId} is done; a done item is never downgraded to failed`)
      )

    const listSelectionItems: SessionStoreService["listSelectionItems"] = (sessionId, jobId) =>
      queryPrefix("selection item", sessionId, Keys.selectionItemPrefix(jobId), SelectionItemRecord)

    const sessionPrefix = Keys.pk("")

    /** Every unexpired `running` record whose SK starts with `prefix` (a job kind), across sessions: a Scan. */
    const scanRunning = <A extends { readonly jobId: string }>(what: string, prefix: string, schema: RecordSchema<A>) =>
      Effect.gen(function* () {
        const now = yield* nowSeconds
        const rows = yield* paginate(
          `Scan running ${what}s`,
          what,
          (ExclusiveStartKey) =>
            document.send(
              new ScanCommand({
                TableName,
                // Item records never hold `running`, so status alone tells jobs apart; the prefix keeps other job kinds out.
                FilterExpression: "#status = :running AND begins_with(SK, :prefix) AND #expiresAt > :now",
                ExpressionAttributeNames: { ...NAMES.status, ...NAMES.expiresAt },
                ExpressionAttributeValues: { ":running": "running", ":prefix": prefix, ":now": now },
                ConsistentRead: true,
                Limit,
                ExclusiveStartKey
              })
            ),
          schema
        )
        return rows.map(({ raw, record }) => ({ sessionId: String(raw["PK"]).slice(sessionPrefix.length), jobId: record.jobId, record }))
      })

    const listRunningSelectionJobs: SessionStoreService["listRunningSelectionJobs"] = () =>
      scanRunning("selection job", Keys.selectionJob(""), SelectionJobRecord)

    const listRunningEnhancementJobs: SessionStoreService["listRunningEnhancementJobs"] = () =>
      scanRunning("enhancement job", Keys.enhanceJob(""), EnhancementJobRecord)

    const listSelectionJobs: SessionStoreService["listSelectionJobs"] = (sessionId) =>
      Effect.gen(function* () {
        const now = yield* nowSeconds
        const jobs: Array<SelectionJobRecord> = []
        let start: Record<string, unknown> | undefined
        do {
          const out = yield* dynamoCall("Query selection jobs", () =>
            document.send(
              new QueryCommand({
                TableName,
                KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
                FilterExpression: "#expiresAt > :now",
                ExpressionAttributeNames: NAMES.expiresAt,
                ExpressionAttributeValues: { ":pk": Keys.pk(sessionId), ":prefix": Keys.selectionJobPrefix(), ":now": now },
                ConsistentRead: true,
                Limit,
                ExclusiveStartKey: start
              })
            )
          )
          for (const raw of out.Items ?? []) {
            if (String(raw["SK"]).includes("#ITEM#")) continue
            jobs.push(yield* decodeRecord(SelectionJobRecord, raw, "selection job"))
          }
          start = out.LastEvaluatedKey
        } while (start !== undefined)
        return jobs.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.jobId.localeCompare(b.jobId))
      })

    const getReview: SessionStoreService["getReview"] = (sessionId, jobId) =>
      Effect.gen(function* () {
        const record = yield* read(ReviewRecord, "review", sessionId, Keys.review(jobId))
        const now = yield* nowSeconds
        return record === null || record.expiresAt <= now ? null : record
      })

    const refuseWhenConfirmed = (sessionId: string, jobId: string) =>
      Effect.flatMap(getReview(sessionId, jobId), (review) =>
        review === null ? Effect.void : conflict(`the review of selection job ${jobId} was confirmed at ${review.confirmedAt}; overrides are closed`)
      )

    const putOverride: SessionStoreService["putOverride"] = (sessionId, jobId, record) =>
      refuseWhenConfirmed(sessionId, jobId).pipe(
        Effect.andThen(
          dynamoCall("PutItem override", () =>
            document.send(
              new PutCommand({ TableName, Item: { ...key(sessionId, Keys.reviewOverride(jobId, record.fileId)), ...encodeOverride(record) } })
            )
          )
        ),
        Effect.asVoid
      )

    const deleteOverride: SessionStoreService["deleteOverride"] = (sessionId, jobId, fileId) =>
      refuseWhenConfirmed(sessionId, jobId).pipe(
        Effect.andThen(
          dynamoCall("DeleteItem override", () =>
            document.send(new DeleteCommand({ TableName, Key: key(sessionId, Keys.reviewOverride(jobId, fileId)) }))
          )
        ),
        Effect.asVoid
      )

    const listOverrides: SessionStoreService["listOverrides"] = (sessionId, jobId) =>
      queryPrefix("override", sessionId, Keys.reviewOverridePrefix(jobId), OverrideRecord)

    const confirmReview: SessionStoreService["confirmReview"] = (sessionId, record) =>
      conditional(
        "PutItem review",
        () =>
          document.send(
            new PutCommand({
              TableName,
              Item: { ...key(sessionId, Keys.review(record.jobId)), ...encodeReview(record) },
              ConditionExpression: "attribute_not_exists(SK)"
            })
          ),
        read(ReviewRecord, "review", sessionId, Keys.review(record.jobId)),
        // Already confirmed: the first confirmation stands.
        () => Effect.void
      ).pipe(
        Effect.andThen(read(ReviewRecord, "review", sessionId, Keys.review(record.jobId))),
        Effect.map((stored) => stored ?? record)
      )

    const ExpiredKey = Schema.Struct({ PK: Schema.String, SK: Schema.String, expiresAt: Schema.Int })
    const decodeExpiredKey = Schema.decodeUnknownEffect(ExpiredKey)

    const sweepExpired: SessionStoreService["sweepExpired"] = (now) =>
      Effect.gen(function* () {
        const keys: Array<{ PK: string; SK: string }> = []
        let start: Record<string, unknown> | undefined
        do {
          const out = yield* dynamoCall("Scan expired", () =>
            document.send(
              new ScanCommand({
                TableName,
                FilterExpression: "#expiresAt <= :now",
                ProjectionExpression: "PK, SK, #expiresAt",
                ExpressionAttributeNames: NAMES.expiresAt,
                ExpressionAttributeValues: { ":now": now },
                Limit,
                ExclusiveStartKey: start
              })
            )
          )
          for (const raw of out.Items ?? []) {
            const k = yield* decodeExpiredKey(raw).pipe(Effect.orDie)
            keys.push({ PK: k.PK, SK: k.SK })
          }
          start = out.LastEvaluatedKey
        } while (start !== undefined)
        const deleted = yield* Effect.forEach(
          keys,
          (Key) =>
            conditionalCall("DeleteItem expired", () =>
              document.send(
                new DeleteCommand({
                  TableName,
                  Key,
                  // Only if still expired: a record refreshed since the Scan stays.
                  ConditionExpression: "#expiresAt <= :now",
                  ExpressionAttributeNames: NAMES.expiresAt,
                  ExpressionAttributeValues: { ":now": now }
                })
              )
            ).pipe(
              Effect.as(1),
              Effect.catchTag("ConditionFailed", () => Effect.succeed(0))
            ),
          { concurrency: 4 }
        )
        return deleted.reduce((a, b) => a + b, 0)
      })

    const createEnhancementJob: SessionStoreService["createEnhancementJob"] = (sessionId, record) =>
      conditional(
        "PutItem enhancement job",
        () =>
          document.send(
            new PutCommand({
              TableName,
              Item: { ...key(sessionId, Keys.enhanceJob(record.jobId)), ...encodeEnhancementJob(record) },
              ConditionExpression: "attribute_not_exists(SK)"
            })
          ),
        read(EnhancementJobRecord, "enhancement job", sessionId, Keys.enhanceJob(record.jobId)),
        (stored) =>
          stored !== null && sameEnhancementJob(stored, record)
            ? Effect.void
            : conflict(`enhancement job ${record.jobId} of session ${sessionId} already exists with different values`)
      )

    const getEnhancementJob: SessionStoreService["getEnhancementJob"] = (sessionId, jobId) =>
      readLive(EnhancementJobRecord, "enhancement job", sessionId, Keys.enhanceJob(jobId))

    const failEnhancementJob: SessionStoreService["failEnhancementJob"] = (sessionId, jobId, errorTag, errorMessage, finishedAt) =>
      conditional(
        "UpdateItem fail enhancement job",
        () =>
          document.send(
            new UpdateCommand({
              TableName,
              Key: key(sessionId, Keys.enhanceJob(jobId)),
              UpdateExpression: "SET #status = :failed, #errorTag = :errorTag, #errorMessage = :errorMessage, #finishedAt = :finishedAt",
              ConditionExpression: "attribute_exists(SK) AND #status <> :complete",
              ExpressionAttributeNames: { ...NAMES.status, "#errorTag": "errorTag", "#errorMessage": "errorMessage", "#finishedAt": "finishedAt" },
              ExpressionAttributeValues: { ":failed": "failed", ":complete": "complete", ":errorTag": errorTag, ":errorMessage": errorMessage, ":finishedAt": finishedAt }
            })
          ),
        read(EnhancementJobRecord, "enhancement job", sessionId, Keys.enhanceJob(jobId)),
        (stored): Effect.Effect<void, NotFoundError | StoreConflictError> =>
          stored === null
            ? Effect.fail(new NotFoundError({ message: `enhancement job not found: ${Keys.pk(sessionId)} ${Keys.enhanceJob(jobId)}` }))
            : conflict(`enhancement job ${jobId} is already complete; not failing it`)
      )

    const getEnhancementItem: SessionStoreService["getEnhancementItem"] = (sessionId, jobId, fileId) =>
      Effect.gen(function* () {
        const record = yield* read(EnhancementItemRecord, "enhancement item", sessionId, Keys.enhanceItem(jobId, fileId))
        const now = yield* nowSeconds
        return record === null || record.expiresAt <= now ? null : record
      })

    // `kind` is not a reserved word, but every attribute goes through a name placeholder for uniformity.
    const ITEM_NAMES = {
      ...NAMES.status,
      "#kind": "kind",
      "#fileId": "fileId",
      "#rounds": "rounds",
      "#currentRound": "currentRound",
      "#errorTag": "errorTag",
      "#errorMessage": "errorMessage",
      "#expiresAt": "expiresAt"
    } as const
    // Set only by API-started rounds (DynamoDB refuses unused names, so these stay out of ITEM_NAMES).
    const ROUND_NAMES = { "#pendingFeedback": "pendingFeedback", "#execution": "execution" } as const

    const markEnhancementItemProcessing: SessionStoreService["markEnhancementItemProcessing"] = (sessionId, jobId, fileId, kind, expiresAt) =>
      conditionalCall("UpdateItem enhancement item processing", () =>
        document.send(
          new UpdateCommand({
            TableName,
            Key: key(sessionId, Keys.enhanceItem(jobId, fileId)),
            UpdateExpression:
              "SET #status = :processing, #kind = :kind, #fileId = :fileId, #rounds = if_not_exists(#rounds, :noRounds), " +
              "#currentRound = if_not_exists(#currentRound, :noRound), #errorTag = :null, #errorMessage = :null, #expiresAt = :expiresAt",
            ConditionExpression: "attribute_not_exists(SK) OR #kind = :kind",
            ExpressionAttributeNames: ITEM_NAMES,
            ExpressionAttributeValues: {
              ":processing": "processing",
              ":kind": kind,
              ":fileId": fileId,
              ":noRounds": [],
              ":noRound": -1,
              ":null": null,
              ":expiresAt": expiresAt
            },
            ReturnValues: "ALL_NEW"
          })
        )
      ).pipe(
        Effect.flatMap((out) => decodeRecord(EnhancementItemRecord, out.Attributes ?? {}, "enhancement item")),
        Effect.catchTag("ConditionFailed", () =>
          Effect.flatMap(read(EnhancementItemRecord, "enhancement item", sessionId, Keys.enhanceItem(jobId, fileId)), (stored) =>
            Effect.fail(
              new StoreConflictError({
                message: `item ${fileId} of enhancement job ${jobId} is a ${stored?.kind ?? "different kind"}, not a ${kind}`
              })
            )
          )
        )
      )

    const appendEnhancementRound: SessionStoreService["appendEnhancementRound"] = (sessionId, jobId, fileId, kind, round) =>
      conditional(
        "UpdateItem append enhancement round",
        () =>
          document.send(
            new UpdateCommand({
              TableName,
              Key: key(sessionId, Keys.enhanceItem(jobId, fileId)),
              UpdateExpression:
                "SET #rounds = list_append(#rounds, :round), #currentRound = :index, #status = :done, #errorTag = :null, #errorMessage = :null, " +
                "#pendingFeedback = :null",
              ConditionExpression: "#kind = :kind AND #currentRound = :expected",
              ExpressionAttributeNames: {
                "#rounds": ITEM_NAMES["#rounds"],
                "#currentRound": ITEM_NAMES["#currentRound"],
                "#status": ITEM_NAMES["#status"],
                "#errorTag": ITEM_NAMES["#errorTag"],
                "#errorMessage": ITEM_NAMES["#errorMessage"],
                "#kind": ITEM_NAMES["#kind"],
                "#pendingFeedback": ROUND_NAMES["#pendingFeedback"]
              },
              ExpressionAttributeValues: {
                ":round": [encodeRound(round)],
                ":index": round.round,
                ":expected": round.round - 1,
                ":done": "done",
                ":null": null,
                ":kind": kind
              }
            })
          ),
        read(EnhancementItemRecord, "enhancement item", sessionId, Keys.enhanceItem(jobId, fileId)),
        (stored) => {
          if (stored === null) return conflict(`item ${fileId} of enhancement job ${jobId} has no record; mark it processing first`)
          if (stored.kind !== kind) return conflict(`item ${fileId} of enhancement job ${jobId} is a ${stored.kind}, not a ${kind}`)
          const existing = stored.rounds[round.round]
          return existing !== undefined && sameRoundContent(existing, round)
            ? Effect.void
            : conflict(
                `item ${fileId} of enhancement job ${jobId} is at round ${stored.currentRound}; round ${round.round} expected it at ${round.round - 1}`
              )
        }
      )

    const listEnhancementItems: SessionStoreService["listEnhancementItems"] = (sessionId, jobId) =>
      queryPrefix("enhancement item", sessionId, Keys.enhanceItemPrefix(jobId), EnhancementItemRecord)

    const listEnhancementJobs: SessionStoreService["listEnhancementJobs"] = (sessionId) =>
      Effect.gen(function* () {
        const now = yield* nowSeconds
        const prefix = Keys.enhanceJobPrefix()
        const jobs: Array<EnhancementJobRecord> = []
        let start: Record<string, unknown> | undefined
        do {
          const out = yield* dynamoCall("Query enhancement jobs", () =>
            document.send(
              new QueryCommand({
                TableName,
                KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
                FilterExpression: "#expiresAt > :now",
                ExpressionAttributeNames: NAMES.expiresAt,
                ExpressionAttributeValues: { ":pk": Keys.pk(sessionId), ":prefix": prefix, ":now": now },
                ConsistentRead: true,
                Limit,
                ExclusiveStartKey: start
              })
            )
          )
          for (const raw of out.Items ?? []) {
            // Item (`#ITEM#`) and acceptance (`#ACCEPTED`) records: a job's SK has no `#` after the prefix.
            if (String(raw["SK"]).slice(prefix.length).includes("#")) continue
            jobs.push(yield* decodeRecord(EnhancementJobRecord, raw, "enhancement job"))
          }
          start = out.LastEvaluatedKey
        } while (start !== undefined)
        return jobs.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.jobId.localeCompare(b.jobId))
      })

    const beginEnhancementRound: SessionStoreService["beginEnhancementRound"] = (sessionId, jobId, fileId, begin) =>
      conditionalCall("UpdateItem begin enhancement round", () =>
        document.send(
          new UpdateCommand({
            TableName,
            Key: key(sessionId, Keys.enhanceItem(jobId, fileId)),
            UpdateExpression:
              "SET #status = :processing, #pendingFeedback = :feedback, #execution = :execution, #roundStartedAt = :startedAt, #errorTag = :null, #errorMessage = :null",
            ConditionExpression: "attribute_exists(SK) AND #kind = :kind AND #status <> :processing AND #currentRound = :expected",
            ExpressionAttributeNames: {
              "#status": ITEM_NAMES["#status"],
              "#kind": ITEM_NAMES["#kind"],
              "#currentRound": ITEM_NAMES["#currentRound"],
              "#errorTag": ITEM_NAMES["#errorTag"],
              "#errorMessage": ITEM_NAMES["#errorMessage"],
              "#roundStartedAt": "roundStartedAt",
              ...ROUND_NAMES
            },
            ExpressionAttributeValues: {
              ":processing": "processing",
              ":feedback": begin.feedback,
              ":execution": begin.execution,
              ":startedAt": begin.startedAt,
              ":null": null,
              ":kind": begin.kind,
              ":expected": begin.expectedCurrentRound
            },
            ReturnValues: "ALL_NEW"
          })
        )
      ).pipe(
        Effect.flatMap((out) => decodeRecord(EnhancementItemRecord, out.Attributes ?? {}, "enhancement item")),
        Effect.catchTag("ConditionFailed", () =>
          Effect.flatMap(read(EnhancementItemRecord, "enhancement item", sessionId, Keys.enhanceItem(jobId, fileId)), (stored) =>
            conflict(
              stored === null
                ? `item ${fileId} of enhancement job ${jobId} has no record; its first enhancement has not run`
                : stored.kind !== begin.kind
                  ? `item ${fileId} of enhancement job ${jobId} is a ${stored.kind}, not a ${begin.kind}`
                  : stored.status === "processing"
                    ? `item ${fileId} of enhancement job ${jobId} is already processing a round; wait for it to end`
                    : `item ${fileId} of enhancement job ${jobId} is at round ${stored.currentRound}, not ${begin.expectedCurrentRound}`
            )
          )
        )
      )

    const failEnhancementItem: SessionStoreService["failEnhancementItem"] = (sessionId, jobId, fileId, errorTag, errorMessage) =>
      conditional(
        "UpdateItem fail enhancement item",
        () =>
          document.send(
            new UpdateCommand({
              TableName,
              Key: key(sessionId, Keys.enhanceItem(jobId, fileId)),
              UpdateExpression: "SET #status = :failed, #errorTag = :errorTag, #errorMessage = :errorMessage, #pendingFeedback = :null",
              ConditionExpression: "#status = :processing",
              ExpressionAttributeNames: {
                "#status": ITEM_NAMES["#status"],
                "#errorTag": ITEM_NAMES["#errorTag"],
                "#errorMessage": ITEM_NAMES["#errorMessage"],
                "#pendingFeedback": ROUND_NAMES["#pendingFeedback"]
              },
              ExpressionAttributeValues: { ":failed": "failed", ":processing": "processing", ":errorTag": errorTag, ":errorMessage": errorMessage, ":null": null }
            })
          ),
        read(EnhancementItemRecord, "enhancement item", sessionId, Keys.enhanceItem(jobId, fileId)),
        (stored) => conflict(`item ${fileId} of enhancement job ${jobId} is ${stored?.status ?? "missing"}, not processing; not failing it`)
      )

    const putEnhancementAcceptance: SessionStoreService["putEnhancementAcceptance"] = (sessionId, record) =>
      dynamoCall("PutItem enhancement acceptance", () =>
        document.send(new PutCommand({ TableName, Item: { ...key(sessionId, Keys.enhanceAccepted(record.jobId)), ...encodeAcceptance(record) } }))
      ).pipe(Effect.asVoid)

    const getEnhancementAcceptance: SessionStoreService["getEnhancementAcceptance"] = (sessionId, jobId) =>
      Effect.gen(function* () {
        const record = yield* read(EnhancementAcceptanceRecord, "enhancement acceptance", sessionId, Keys.enhanceAccepted(jobId))
        const now = yield* nowSeconds
        return record === null || record.expiresAt <= now ? null : record
      })

    return SessionStore.of({
      tableName: TableName,
      createSession,
      addTokensUsed,
      getSession,
      putUpload,
      markUploaded,
      getUpload,
      listUploads,
      createSelectionJob,
      getSelectionJob,
      completeSelectionJob,
      failSelectionJob,
      markItemProcessing,
      putItemDone,
      putItemFailed,
      listSelectionItems,
      listRunningSelectionJobs,
      listSelectionJobs,
      putOverride,
      deleteOverride,
      listOverrides,
      confirmReview,
      getReview,
      sweepExpired,
      createEnhancementJob,
      listRunningEnhancementJobs,
      getEnhancementJob,
      failEnhancementJob,
      getEnhancementItem,
      markEnhancementItemProcessing,
      appendEnhancementRound,
      listEnhancementItems,
      listEnhancementJobs,
      beginEnhancementRound,
      failEnhancementItem,
      putEnhancementAcceptance,
      getEnhancementAcceptance
    })
  })

/** The session store service (`curator/store/SessionStore`). */
export class SessionStore extends Context.Service<SessionStore, SessionStoreService>()("curator/store/SessionStore") {
  /** The store with explicit options over the `DynamoDb` client in context. */
  static readonly layerWith = (options: SessionStoreOptions): Layer.Layer<SessionStore, never, DynamoDb> =>
    Layer.effect(SessionStore, makeSessionStore(options))

  /**
   * The store over the `DynamoDb` client in context, table from `Config`
   * `CURATOR_TABLE` (default {@link DEFAULT_TABLE_NAME}). The AWS stack
   * provides `DynamoDb.layer`; the local stack `DynamoDbLocal.layer`.
   */
  static readonly layer = Layer.unwrap(
    Effect.map(Config.String("CURATOR_TABLE").pipe(Config.withDefault(DEFAULT_TABLE_NAME)), (tableName) =>
      SessionStore.layerWith({ tableName })
    )
  )
}
