/**
 * Test support: an in-memory dynalite with the session table (PK/SK strings),
 * handlers built with the real task adapter, and failure injection by error tag.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb"
import * as Contracts from "@curator/contracts"
import { makeTaskHandler } from "@curator/orchestration"
import { ensureTable } from "@curator/store/local"
import dynalite from "dynalite"
import { Effect, Layer, type Schema } from "effect"
import type { AddressInfo } from "node:net"

export const TABLE = "curator-test"

/** Starts dynalite on a free port and creates the table. */
export const startDynamo = async () => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))
  const { port } = server.address() as AddressInfo
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1
  })
  await Effect.runPromise(ensureTable(client, TABLE))
  const stop = async () => {
    client.destroy()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
  return { client, stop }
}

/** Reads one record as plain attributes (S/N/NULL only, which is all these tests write). */
export const getRecord = async (client: DynamoDBClient, pk: string, sk: string) => {
  const { Item } = await client.send(new GetItemCommand({ TableName: TABLE, Key: { PK: { S: pk }, SK: { S: sk } }, ConsistentRead: true }))
  if (Item === undefined) return undefined
  return Object.fromEntries(
    Object.entries(Item).map(([k, v]) => [k, v.S ?? (v.N !== undefined ? Number(v.N) : v.NULL ? null : v)])
  ) as Record<string, unknown>
}

/** Writes a record with string attributes. */
export const putRecord = (client: DynamoDBClient, pk: string, sk: string, attributes: Record<string, string | number>) =>
  client.send(
    new PutItemCommand({
      TableName: TABLE,
      Item: {
        PK: { S: pk },
        SK: { S: sk },
        ...Object.fromEntries(
          Object.entries(attributes).map(([k, v]) => [k, typeof v === "number" ? { N: String(v) } : { S: v }])
        )
      }
    })
  )

/** One class per CuratorError tag, to fail a program with any of them. */
const errorClasses: { readonly [K in Contracts.CuratorError["_tag"]]: new (args: { message: string }) => Contracts.CuratorError } = {
  InvalidInputError: Contracts.InvalidInputError,
  UnsupportedMediaError: Contracts.UnsupportedMediaError,
  CorruptMediaError: Contracts.CorruptMediaError,
  MediaTooLargeError: Contracts.MediaTooLargeError,
  MediaToolTimeoutError: Contracts.MediaToolTimeoutError,
  UnreadableFileError: Contracts.UnreadableFileError,
  NotFoundError: Contracts.NotFoundError,
  StoreThrottledError: Contracts.StoreThrottledError,
  StoreUnavailableError: Contracts.StoreUnavailableError,
  StoreConflictError: Contracts.StoreConflictError,
  ExecutionAlreadyExistsError: Contracts.ExecutionAlreadyExistsError,
  OrchestratorUnavailableError: Contracts.OrchestratorUnavailableError,
  JobInterruptedError: Contracts.JobInterruptedError,
  QuotaExceededError: Contracts.QuotaExceededError,
  AiRateLimitedError: Contracts.AiRateLimitedError,
  AiQuotaExhaustedError: Contracts.AiQuotaExhaustedError,
  AiUnavailableError: Contracts.AiUnavailableError,
  AiRefusedError: Contracts.AiRefusedError,
  AiBadResponseError: Contracts.AiBadResponseError,
  InternalDefectError: Contracts.InternalDefectError
}

/** The message an injected failure carries. */
export const injectedMessage = (tag: string) => `injected ${tag}`

/**
 * A handler made with the real task adapter, with failure injection: while the
 * attempt count of `keyOf(event)` is within `plan(key).failures`, the call fails
 * with `plan(key).tag`. Our own tags fail inside the program (so the adapter
 * names the Error); Lambda/States tags are thrown around the function, as the
 * Lambda service or Step Functions raise them.
 */
export const withInjectedFailures = <Ev, EvE, Res, ResE>(options: {
  readonly event: Schema.Codec<Ev, EvE, never, never>
  readonly result: Schema.Codec<Res, ResE, never, never>
  readonly keyOf: (input: unknown) => string
  readonly plan: (key: string) => { readonly tag: Contracts.ErrorTag; readonly failures: number } | undefined
  readonly succeed: (event: Ev) => Promise<Res>
}) => {
  const attempts = new Map<string, number>()
  const failing = (key: string) => {
    const plan = options.plan(key)
    return plan !== undefined && (attempts.get(key) ?? 0) <= plan.failures ? plan.tag : undefined
  }
  const adapted = makeTaskHandler({
    event: options.event,
    result: options.result,
    layer: Layer.empty,
    program: (event: Ev) =>
      Effect.gen(function* () {
        const tag = failing(options.keyOf(event))
        if (tag !== undefined && tag in errorClasses) {
          return yield* Effect.fail(new errorClasses[tag as Contracts.CuratorError["_tag"]]({ message: injectedMessage(tag) }))
        }
        return yield* Effect.promise(() => options.succeed(event))
      })
  })
  const handler = async (input: unknown): Promise<unknown> => {
    const key = options.keyOf(input)
    attempts.set(key, (attempts.get(key) ?? 0) + 1)
    const tag = failing(key)
    if (tag !== undefined && !(tag in errorClasses)) {
      const error = new Error(injectedMessage(tag))
      error.name = tag
      throw error
    }
    return adapted(input)
  }
  return { handler, attempts }
}
