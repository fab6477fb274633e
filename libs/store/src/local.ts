/**
 * @curator/store/local — the local layers: blobs in a folder, sessions in an
 * in-process dynalite persisted on disk. Imported by the CLI and the local
 * stack only; this is the one entry point that pulls dynalite.
 */
import { Config, Context, Effect, Layer } from "effect"
import type { StoreUnavailableError } from "@curator/contracts"
import { BlobStore, type FolderBlobStoreOptions } from "./BlobStore.js"
import { DynamoDb } from "./DynamoDb.js"
import { DynamoDbLocal } from "./DynamoDbLocal.js"
import { ensureTable } from "./internal/ensureTable.js"
import { makePostStore } from "./internal/postStore.js"
import { PostStore } from "./PostStore.js"
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
   * `SessionStore` and `PostStore` (the same code as on AWS, one table) over
   * `DynamoDbLocal`, with the table created if missing. Also provides the
   * `DynamoDb` service, so the local executor can reach the raw client
   * (`DynamoDbLocal.client`). Server and client close with the layer's scope.
   */
  layer: (options: SessionStoreLocalOptions): Layer.Layer<SessionStore | PostStore | DynamoDb, StoreUnavailableError | Config.ConfigError> =>
    Layer.effectContext(
      Effect.gen(function* () {
        const tableName = options.tableName ?? (yield* Config.String("CURATOR_TABLE").pipe(Config.withDefault(DEFAULT_TABLE_NAME)))
        const { client } = yield* DynamoDb
        yield* ensureTable(client, tableName)
        const settings = { tableName, ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }) }
        const sessions = yield* makeSessionStore(settings)
        const posts = yield* makePostStore(settings)
        return Context.make(SessionStore, sessions).pipe(Context.add(PostStore, PostStore.of(posts)))
      })
    ).pipe(Layer.provideMerge(DynamoDbLocal.layer({ dataDir: options.dataDir })))
} as const
