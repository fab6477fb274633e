/**
 * THE SessionStore suites (selection and enhancement records) against
 * dynalite through the AWS layer: `AwsStores.layer` builds the DynamoDB
 * client exactly as on AWS (standard retries, maxAttempts 2, credentials
 * from the SDK's provider chain) with only the endpoint overridden. Plus
 * `AwsStores.layerFromEnv`: what it reads, and the error naming a missing
 * variable.
 */
import { randomBytes, randomUUID } from "node:crypto"
import { ListTablesCommand } from "@aws-sdk/client-dynamodb"
import { failureOf, runExit, runWith } from "@curator/contracts/testing"
import { ConfigProvider, Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { BlobStore, DynamoDb, SessionStore } from "../../src/index.js"
import { AwsStores, S3Storage } from "../../src/aws.js"
import { ensureTable } from "../../src/local.js"
import { enhancementRecordsSuite } from "../EnhancementRecords.suite.js"
import { postStoreSuite } from "../PostStore.suite.js"
import { meta } from "../records.js"
import { sessionStoreSuite, type SessionStorage } from "../SessionStore.suite.js"
import type { PostStorage } from "../PostStore.suite.js"
import { startDynalite, startS3rver, standInSettings, TEST_BUCKET, TEST_REGION, useStandInCredentials } from "./standIns.js"

useStandInCredentials()

/** No S3 call is made by the SessionStore suites: the S3 client points at a closed port. */
const UNUSED_S3 = { endpoint: "http://127.0.0.1:1" }

/** A fresh dynalite with the table created (as the CDK StorageStack would), and the AWS layer over it. */
const freshAws = async (): Promise<SessionStorage & PostStorage> => {
  const dynamo = await startDynalite()
  const tableName = `curator-sessions-${randomUUID().slice(0, 8)}`
  const settings = standInSettings(UNUSED_S3, dynamo, tableName)
  await runWith(
    Effect.gen(function* () {
      const { client } = yield* DynamoDb
      yield* ensureTable(client, tableName)
    }),
    AwsStores.layer(settings)
  )
  return {
    tableName,
    layer: (options) => AwsStores.layer({ ...settings, ...(options?.pageSize === undefined ? {} : { sessionPageSize: options.pageSize }) }),
    dispose: dynamo.close
  }
}

sessionStoreSuite("AWS layer on dynalite", freshAws)
enhancementRecordsSuite("AWS layer on dynalite", freshAws)
postStoreSuite("AWS layer on dynalite", freshAws)

const envLayer = (env: Record<string, string>) => ConfigProvider.layer(ConfigProvider.fromEnv({ env }))

describe("AwsStores.layerFromEnv", () => {
  it("reads bucket, table, region and the stand-in endpoints from the environment and provides every store", async () => {
    const [s3, dynamo] = await Promise.all([startS3rver(), startDynalite()])
    try {
      const env = {
        CURATOR_BUCKET: TEST_BUCKET,
        CURATOR_TABLE: "from-env",
        AWS_REGION: TEST_REGION,
        CURATOR_S3_ENDPOINT: s3.endpoint,
        CURATOR_DYNAMODB_ENDPOINT: dynamo.endpoint
      }
      const body = randomBytes(64)
      const out = await runWith(
        Effect.gen(function* () {
          const { client } = yield* DynamoDb
          yield* ensureTable(client, "from-env")
          const store = yield* SessionStore
          yield* store.createSession(meta("s1"))
          const blobs = yield* BlobStore
          yield* blobs.put("s1/thumb/a.jpg", body, "image/jpeg")
          const storage = yield* S3Storage
          return {
            tableName: store.tableName,
            session: (yield* store.getSession("s1")).sessionId,
            tables: (yield* Effect.promise(() => client.send(new ListTablesCommand({})))).TableNames,
            blob: Buffer.from(yield* blobs.get("s1/thumb/a.jpg")).equals(body),
            bucket: storage.bucket,
            region: yield* Effect.promise(() => client.config.region()),
            attempts: yield* Effect.promise(() => client.config.maxAttempts()),
            retryMode: typeof client.config.retryMode === "string" ? client.config.retryMode : yield* Effect.promise(() => (client.config.retryMode as () => Promise<string>)()),
            s3PathStyle: storage.client.config.forcePathStyle,
            s3Checksums: yield* Effect.promise(() => storage.client.config.requestChecksumCalculation())
          }
        }),
        AwsStores.layerFromEnv.pipe(Layer.provide(envLayer(env)))
      )
      expect(out).toEqual({
        tableName: "from-env",
        session: "s1",
        tables: ["from-env"],
        blob: true,
        bucket: TEST_BUCKET,
        region: TEST_REGION,
        attempts: 2,
        retryMode: "standard",
        s3PathStyle: true,
        s3Checksums: "WHEN_REQUIRED"
      })
    } finally {
      await Promise.all([s3.close(), dynamo.close()])
    }
  })

  it.each(["CURATOR_BUCKET", "CURATOR_TABLE", "AWS_REGION"])("fails with a ConfigError naming %s when it is missing or blank", async (name) => {
    const full: Record<string, string> = { CURATOR_BUCKET: "b", CURATOR_TABLE: "t", AWS_REGION: TEST_REGION }
    for (const value of [undefined, "  "]) {
      const env = { ...full }
      if (value === undefined) delete env[name]
      else env[name] = value
      const exit = await runExit(SessionStore.use(() => Effect.void), AwsStores.layerFromEnv.pipe(Layer.provide(envLayer(env))))
      const error = failureOf(exit) as { readonly _tag: string; readonly message: string }
      expect(error._tag).toBe("ConfigError")
      expect(error.message).toContain(`missing environment variable ${name}`)
    }
  })
})
