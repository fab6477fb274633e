/** The PostStore suite against the local stack's dynalite (`SessionStoreLocal.layer` provides both stores over one table). */
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { SessionStoreLocal } from "../src/local.js"
import { postStoreSuite } from "./PostStore.suite.js"

postStoreSuite("local dynalite", async () => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "poststore-"))
  const tableName = "curator-sessions"
  return {
    tableName,
    layer: (options) => SessionStoreLocal.layer({ dataDir, tableName, pageSize: options?.pageSize }),
    dispose: () => fs.rm(dataDir, { recursive: true, force: true })
  }
})
