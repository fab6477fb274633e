/// <reference path="./s3rver.d.ts" />
/**
 * Local stand-ins for the AWS layer tests: s3rver 3.7.1 (S3; checks no SigV4
 * signature, accepts the access key `S3RVER`) and dynalite (DynamoDB), both
 * in-process on 127.0.0.1 with a free port, plus the settings that point
 * `AwsStores` at them.
 */
import fs from "node:fs/promises"
import type { AddressInfo } from "node:net"
import os from "node:os"
import path from "node:path"
import dynalite from "dynalite"
import S3rver from "s3rver"
import type { AwsStoresSettings } from "../../src/aws.js"

/** The one key pair s3rver knows (node_modules/s3rver/lib/models/account.js); dynalite accepts any. */
export const STAND_IN_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } as const

/** The bucket every s3rver stand-in starts with. */
export const TEST_BUCKET = "curator-media-test"

/** Region used against the stand-ins (any valid region name: neither checks it). */
export const TEST_REGION = "eu-west-1"

/**
 * The SDK's default credential chain reads these (what `AwsStores` uses on
 * AWS too); set once per test file (vitest forks isolate files).
 */
export const useStandInCredentials = () => {
  process.env["AWS_ACCESS_KEY_ID"] = STAND_IN_CREDENTIALS.accessKeyId
  process.env["AWS_SECRET_ACCESS_KEY"] = STAND_IN_CREDENTIALS.secretAccessKey
  delete process.env["AWS_SESSION_TOKEN"]
  delete process.env["AWS_PROFILE"]
}

/** A running s3rver with {@link TEST_BUCKET} in a fresh temp folder. */
export interface S3StandIn {
  readonly endpoint: string
  readonly port: number
  readonly directory: string
  readonly close: () => Promise<void>
}

export const startS3rver = async (): Promise<S3StandIn> => {
  const directory = await fs.mkdtemp(path.join(os.tmpdir(), "s3rver-"))
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: [{ name: TEST_BUCKET }] })
  const { port } = await server.run()
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    directory,
    close: async () => {
      await server.close()
      await fs.rm(directory, { recursive: true, force: true })
    }
  }
}

/** A running in-memory dynalite. */
export interface DynamoStandIn {
  readonly endpoint: string
  readonly close: () => Promise<void>
}

export const startDynalite = async (): Promise<DynamoStandIn> => {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject)
      resolve()
    })
  })
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}

/** `AwsStores` settings against the given stand-ins. */
export const standInSettings = (s3: { readonly endpoint: string }, dynamo: { readonly endpoint: string }, tableName: string): AwsStoresSettings => ({
  bucket: TEST_BUCKET,
  tableName,
  region: TEST_REGION,
  s3Endpoint: s3.endpoint,
  dynamoDbEndpoint: dynamo.endpoint
})
