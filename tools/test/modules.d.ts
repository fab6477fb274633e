/**
 * Types for the two npm stand-ins the tools tests start (neither ships types):
 * s3rver 3.7.1 (lib/s3rver.js) and dynalite 4.0.0 (index.js).
 */
declare module "s3rver" {
  interface S3rverOptions {
    readonly address?: string
    /** 0 = a free port. */
    readonly port?: number
    readonly silent?: boolean
    /** Folder the objects are stored in. */
    readonly directory: string
    readonly configureBuckets?: ReadonlyArray<{ readonly name: string }>
  }
  class S3rver {
    constructor(options: S3rverOptions)
    /** Starts listening; resolves to the bound address. */
    run(): Promise<{ readonly address: string; readonly port: number }>
    close(): Promise<void>
  }
  export default S3rver
}

declare module "dynalite" {
  import type { Server } from "node:http"
  const dynalite: (options?: { readonly path?: string; readonly createTableMs?: number; readonly deleteTableMs?: number; readonly updateTableMs?: number }) => Server
  export default dynalite
}
