/**
 * Local stand-ins for the AWS services a Lambda bundle talks to (issue 5):
 * s3rver (S3, path-style, no signature checks) and dynalite (DynamoDB, in
 * memory), each on 127.0.0.1 and a free port, plus the environment a bundle
 * needs to reach them (the same variables the CDK sets, with the test-only
 * CURATOR_S3_ENDPOINT / CURATOR_DYNAMODB_ENDPOINT).
 */
import fs from "node:fs/promises"
import type { AddressInfo } from "node:net"
import os from "node:os"
import path from "node:path"
import { AwsStores } from "@curator/store/aws"
import { ensureTable } from "@curator/store/local"
import { DynamoDb } from "@curator/store"
import dynalite from "dynalite"
import { Effect, Layer, ManagedRuntime } from "effect"
import S3rver from "s3rver"

/** Bucket and table names the stand-ins serve. */
export const BUCKET = "curator-media-smoke"
export const TABLE = "curator-sessions-smoke"
const REGION = "us-east-1"

/** Running stand-ins: their endpoints, the Lambda environment pointing at them, and `close`. */
export interface StandIns {
  readonly s3Endpoint: string
  readonly dynamoDbEndpoint: string
  /** CURATOR_BUCKET, CURATOR_TABLE, AWS_REGION, dummy credentials, the two endpoints, MALLOC_ARENA_MAX. */
  readonly env: Readonly<Record<string, string>>
  /** The AWS stores over the stand-ins, for arranging and checking from the test process. */
  readonly runtime: ManagedRuntime.ManagedRuntime<Layer.Success<typeof AwsStores.layerFromEnv>, never>
  readonly close: () => Promise<void>
}

/** Starts s3rver (bucket {@link BUCKET}) and dynalite (table {@link TABLE}, created like the CDK's: PK/SK strings). */
export const startStandIns = async (): Promise<StandIns> => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "curator-standins-"))
  const s3 = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: dir, configureBuckets: [{ name: BUCKET }] })
  const { port: s3Port } = await s3.run()
  const db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
  await new Promise<void>((resolve) => db.listen(0, "127.0.0.1", resolve))
  const s3Endpoint = `http://127.0.0.1:${s3Port}`
  const dynamoDbEndpoint = `http://127.0.0.1:${(db.address() as AddressInfo).port}`
  const env = {
    CURATOR_BUCKET: BUCKET,
    CURATOR_TABLE: TABLE,
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: "S3RVER",
    AWS_SECRET_ACCESS_KEY: "S3RVER",
    CURATOR_S3_ENDPOINT: s3Endpoint,
    CURATOR_DYNAMODB_ENDPOINT: dynamoDbEndpoint,
    MALLOC_ARENA_MAX: "2"
  }
  const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" }
  process.env.AWS_ACCESS_KEY_ID ??= credentials.accessKeyId
  process.env.AWS_SECRET_ACCESS_KEY ??= credentials.secretAccessKey
  const runtime = ManagedRuntime.make(AwsStores.layer({ bucket: BUCKET, tableName: TABLE, region: REGION, s3Endpoint, dynamoDbEndpoint }))
  await runtime.runPromise(
    Effect.gen(function* () {
      const { client } = yield* DynamoDb
      yield* ensureTable(client, TABLE)
    })
  )
  return {
    s3Endpoint,
    dynamoDbEndpoint,
    env,
    runtime,
    close: async () => {
      await runtime.dispose()
      await s3.close()
      db.closeAllConnections()
      await new Promise<void>((resolve) => db.close(() => resolve()))
      await fs.rm(dir, { recursive: true, force: true })
    }
  }
}

/** The SSM stand-in lives with the store's AWS entry point (shared with the Lambda entry tests). */
export { type SsmStandIn, startSsmStandIn } from "@curator/store/aws-testing"
