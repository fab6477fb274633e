/// <reference path="./internal/dynalite.d.ts" />
/**
 * The local DynamoDB: an in-process dynalite server persisted on disk
 * (`<dataDir>/db`, LevelDB), listening on 127.0.0.1 on a free port, and the
 * SAME `DynamoDb` client service the AWS stack uses, pointed at it. Only
 * `@curator/store/local` exports this file, so no Lambda bundle pulls
 * dynalite.
 *
 * dynalite quirks (4.0.0): no TransactWriteItems/TransactGetItems, no TTL
 * (the local stack calls `SessionStore.sweepExpired`), no
 * `ReturnValuesOnConditionCheckFailure` (SessionStore re-reads instead), and
 * LevelDB allows one process per data folder (the CLI holds a lock).
 */
import fs from "node:fs/promises"
import type { AddressInfo } from "node:net"
import path from "node:path"
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { StoreUnavailableError } from "@curator/contracts"
import dynalite from "dynalite"
import { Effect, Layer } from "effect"
import { DynamoDb } from "./DynamoDb.js"

/** Options of the local DynamoDB. */
export interface DynamoDbLocalOptions {
  /** The local stack's data folder; the LevelDB files go to `<dataDir>/db`. */
  readonly dataDir: string
}

/** Starts dynalite on 127.0.0.1:0 and returns the server with its port; closed (with its LevelDB) when the scope closes. */
const startServer = (dbPath: string) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        await fs.mkdir(dbPath, { recursive: true })
        // Table state changes are immediate: nothing to wait for locally.
        const server = dynalite({ path: dbPath, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
        await new Promise<void>((resolve, reject) => {
          server.once("error", reject)
          server.listen(0, "127.0.0.1", () => {
            server.off("error", reject)
            resolve()
          })
        })
        return { server, port: (server.address() as AddressInfo).port }
      },
      catch: (error) =>
        new StoreUnavailableError({ message: `cannot start the local DynamoDB (dynalite) in ${dbPath}: ${error instanceof Error ? error.message : String(error)}` })
    }),
    ({ server }) =>
      Effect.promise(
        () =>
          new Promise<void>((resolve) => {
            // The client is destroyed first (finalizers run in reverse); drop any socket left so close does not wait.
            server.closeAllConnections()
            server.close(() => resolve())
          })
      )
  )

/** The local DynamoDB layers. */
export const DynamoDbLocal = {
  /**
   * `DynamoDb` against an in-process dynalite persisted in
   * `<dataDir>/db`: endpoint `http://127.0.0.1:<port>`, region `local`,
   * dummy static credentials (dynalite checks none).
   */
  layer: (options: DynamoDbLocalOptions): Layer.Layer<DynamoDb, StoreUnavailableError> =>
    Layer.effect(
      DynamoDb,
      Effect.gen(function* () {
        const { port } = yield* startServer(path.join(path.resolve(options.dataDir), "db"))
        return yield* DynamoDb.make({
          endpoint: `http://127.0.0.1:${port}`,
          region: "local",
          credentials: { accessKeyId: "local", secretAccessKey: "local" }
        })
      })
    ),

  /** The raw low-level client (the local executor runs Step Functions' `dynamodb:updateItem` requests with it). */
  client: DynamoDb.useSync((service): DynamoDBClient => service.client)
} as const
