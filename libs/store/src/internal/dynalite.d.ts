/**
 * Types for dynalite 4.0.0 (it ships none): the factory returns an
 * `http.Server` whose `close` also closes the LevelDB store
 * (node_modules/dynalite/index.js).
 */
declare module "dynalite" {
  import type { Server } from "node:http"
  interface DynaliteOptions {
    /** LevelDB folder; in memory when absent. */
    readonly path?: string
    /** How long a new table stays CREATING, in ms (default 500). */
    readonly createTableMs?: number
    /** How long a deleted table stays DELETING, in ms (default 500). */
    readonly deleteTableMs?: number
    /** How long an updated table stays UPDATING, in ms (default 500). */
    readonly updateTableMs?: number
    /** Largest item in KB (default 400, as DynamoDB). */
    readonly maxItemSizeKb?: number
    readonly verbose?: boolean
    readonly debug?: boolean
  }
  const dynalite: (options?: DynaliteOptions) => Server
  export default dynalite
}
