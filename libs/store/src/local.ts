/**
 * @curator/store/local — the local layers: blobs in a folder, sessions in an
 * in-process dynalite persisted on disk. Imported by the CLI and the local
 * stack only; this is the one entry point that pulls dynalite.
 */
import { Config, Effect, Layer } from "effect"
import type { StoreUnavailableError } from "@curator/contracts"
import { BlobStore, type FolderBlobStoreOptions } from "./BlobStore.js"
import { DynamoDb } from "./DynamoDb.js"
import { DynamoDbLocal } from "./DynamoDbLocal.js"
import { ensureTable } from "./internal/ensureTable.js"
import { DEFAULT_TABLE_NAME, makeSessionStore, SessionStore } from "./SessionStore.js"

export { DynamoDbLocal, type DynamoDbLocalOptions } from "./DynamoDbLocal.js"
export { ensureTable } from "./internal/ensureTable.js"

/** Options of the local session store. */
export interface SessionStoreLocalOptions {
  /** The local stack's data folder (dynalite's LevelDB goes to `<dataDir>/db`). */
  readonly dataDir: string
  /** Table name; default `Config` `CURATOR_TABLE`, else "curator-sessions". */
  readonly tableName?: string
  /** Query/Scan page size (tests); default DynamoDB's 1 MB pages. */
  readonly pageSize?: number
}

/** The local blob store layer (same as `BlobStore.layerLocal`). */
export const BlobStoreLocal = {
  layer: (options: FolderBlobStoreOptions) => BlobStore.layerLocal(options)
} as const

/** The local session store. */
export const SessionStoreLocal = {
  /**
   * `SessionStore` (the same code as on AWS) over `DynamoDbLocal`, with the
   * table created if missing. Also provides the `DynamoDb` service, so the
   * local executor can reach the raw client (`DynamoDbLocal.client`). Server
   * and client close with the layer's scope.
   */
  layer: (options: SessionStoreLocalOptions): Layer.Layer<SessionStore | DynamoDb, StoreUnavailableError | Config.ConfigError> =>
    Layer.effect(
      SessionStore,
      Effect.gen(function* () {
        const tableName = options.tableName ?? (yield* Config.String("CURATOR_TABLE").pipe(Config.withDefault(DEFAULT_TABLE_NAME)))
        const { client } = yield* DynamoDb
        yield* ensureTable(client, tableName)
        return yield* makeSessionStore({ tableName, pageSize: options.pageSize })
      })
    ).pipe(Layer.provideMerge(DynamoDbLocal.layer({ dataDir: options.dataDir })))
} as const
