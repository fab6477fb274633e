/**
 * The entry-point split (ARCHITECTURE.md "Layout"): a bundle of
 * `@curator/store` and `@curator/store/aws` (what a Lambda imports) never
 * contain dynalite or s3rver; only `@curator/store/local` has dynalite. Checked on a real esbuild bundle's inputs.
 */
import path from "node:path"
import { build } from "esbuild"
import { describe, expect, it } from "vitest"

const bundledInputs = async (entry: string) => {
  const result = await build({
    entryPoints: [path.resolve(import.meta.dirname, "../src", entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: "node",
    format: "esm",
    logLevel: "silent"
  })
  return Object.keys(result.metafile.inputs)
}

describe("entry points", () => {
  it("keeps dynalite out of the main entry and in the local one", async () => {
    const main = await bundledInputs("index.ts")
    const local = await bundledInputs("local.ts")
    expect(main.filter((p) => p.includes("node_modules/dynalite/"))).toEqual([])
    expect(main.some((p) => p.includes("@aws-sdk/lib-dynamodb"))).toBe(true)
    expect(local.some((p) => p.includes("node_modules/dynalite/"))).toBe(true)
  })

  it("keeps dynalite, s3rver and the local layers out of the AWS entry", async () => {
    const aws = await bundledInputs("aws.ts")
    expect(aws.filter((p) => p.includes("node_modules/dynalite/") || p.includes("node_modules/s3rver/"))).toEqual([])
    expect(aws.filter((p) => p.endsWith("src/local.ts") || p.endsWith("src/DynamoDbLocal.ts"))).toEqual([])
    expect(aws.some((p) => p.includes("@aws-sdk/client-s3"))).toBe(true)
    expect(aws.some((p) => p.includes("@aws-sdk/lib-storage"))).toBe(true)
    expect(aws.some((p) => p.includes("@aws-sdk/s3-request-presigner"))).toBe(true)
  })
})
