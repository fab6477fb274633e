/**
 * Types for s3rver 3.7.1 (it ships none), only what the tests use
 * (node_modules/s3rver/lib/s3rver.js): a Koa app whose `run()` listens and
 * resolves with the bound address, `close()` stops it.
 */
declare module "s3rver" {
  import type { AddressInfo } from "node:net"
  interface S3rverOptions {
    readonly address?: string
    /** 0 picks a free port. */
    readonly port?: number
    readonly silent?: boolean
    /** Folder holding buckets and objects. */
    readonly directory?: string
    readonly resetOnClose?: boolean
    /** Buckets created at start. */
    readonly configureBuckets?: ReadonlyArray<{ readonly name: string }>
  }
  class S3rver {
    constructor(options?: S3rverOptions)
    run(): Promise<AddressInfo>
    close(): Promise<void>
  }
  export default S3rver
}
