/**
 * The SessionStore suite against the local stack's dynalite (persisted in a
 * temp data folder), plus what only the local side can show.
 */
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { failureOf, runExit, runWith } from "@curator/contracts/testing"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { DynamoDb, SessionStore } from "../src/index.js"
import { DynamoDbLocal, SessionStoreLocal } from "../src/local.js"
import { meta } from "./records.js"
import { sessionStoreSuite } from "./SessionStore.suite.js"
import { enhancementRecordsSuite } from "./EnhancementRecords.suite.js"

const tempDir = () => fs.mkdtemp(path.join(os.tmpdir(), "sessionstore-"))

const freshLocal = async () => {
  const dataDir = await tempDir()
  const tableName = "curator-sessions"
  return {
    tableName,
    layer: (options?: { readonly pageSize?: number }) => SessionStoreLocal.layer({ dataDir, tableName, pageSize: options?.pageSize }),
    dispose: () => fs.rm(dataDir, { recursive: true, force: true })
  }
}

sessionStoreSuite("local dynalite", freshLocal)
enhancementRecordsSuite("local dynalite", freshLocal)

describe("SessionStoreLocal", () => {
  it("persists dynalite's LevelDB under <dataDir>/db and exposes the raw client", async () => {
    const dataDir = await tempDir()
    try {
      const tables = await runWith(
        Effect.gen(function* () {
          yield* SessionStore.use((store) => store.createSession(meta("s1")))
          const client = yield* DynamoDbLocal.client
          const { ListTablesCommand } = yield* Effect.promise(() => import("@aws-sdk/client-dynamodb"))
          return yield* Effect.promise(() => client.send(new ListTablesCommand({})))
        }),
        SessionStoreLocal.layer({ dataDir, tableName: "table-one" })
      )
      expect(tables.TableNames).toEqual(["table-one"])
      expect((await fs.readdir(path.join(dataDir, "db"))).length).toBeGreaterThan(0)
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true })
    }
  })

  it("reads the table name from CURATOR_TABLE by default", async () => {
    const dataDir = await tempDir()
    const previous = process.env["CURATOR_TABLE"]
    process.env["CURATOR_TABLE"] = "from-env"
    try {
      const tables = await runWith(
        Effect.gen(function* () {
          const { client } = yield* DynamoDb
          const { ListTablesCommand } = yield* Effect.promise(() => import("@aws-sdk/client-dynamodb"))
          return yield* Effect.promise(() => client.send(new ListTablesCommand({})))
        }),
        SessionStoreLocal.layer({ dataDir })
      )
      expect(tables.TableNames).toEqual(["from-env"])
    } finally {
      if (previous === undefined) delete process.env["CURATOR_TABLE"]
      else process.env["CURATOR_TABLE"] = previous
      await fs.rm(dataDir, { recursive: true, force: true })
    }
  })

  it("reports an unreachable endpoint as StoreUnavailableError", async () => {
    const layer = SessionStore.layerWith({ tableName: "curator-sessions" }).pipe(
      Layer.provide(DynamoDb.layerConfig({ endpoint: "http://127.0.0.1:9", region: "local", credentials: { accessKeyId: "x", secretAccessKey: "x" } }))
    )
    const exit = await runExit(SessionStore.use((store) => store.getSession("s1")), layer)
    expect((failureOf(exit) as { _tag?: string })._tag).toBe("StoreUnavailableError")
  })
})
