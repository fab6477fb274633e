import { describe, expect, it } from "vitest"
import { StackNames } from "../src/app.js"
import { DefaultParameters, imageTag, readConfig } from "../src/config.js"
import { synth } from "./support.js"

describe("the app", () => {
  it("synthesizes the four stacks offline: no context lookups left missing, environment-agnostic by default", () => {
    const { app, images, storage, backend, frontend } = synth()
    const assembly = app.synth()
    expect(assembly.manifest.missing ?? []).toEqual([])
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(Object.values(StackNames).sort())
    for (const stack of [images, storage, backend, frontend]) {
      expect(stack.environment).toBe("aws://unknown-account/unknown-region")
    }
  })

  it("pins account and region when both are given in context", () => {
    const { backend } = synth({ account: "123456789012", region: "eu-west-1" })
    expect(backend.environment).toBe("aws://123456789012/eu-west-1")
  })

  it("deploys storage and images before the backend, the backend before the frontend, the frontend before its pipeline", () => {
    const { app } = synth()
    const assembly = app.synth()
    const deps = (name: string) => assembly.getStackByName(name).dependencies.map((d) => d.id).filter((id) => id.startsWith("Curator") && !id.endsWith(".assets")).sort()
    expect(deps(StackNames.images)).toEqual([])
    expect(deps(StackNames.storage)).toEqual([])
    expect(deps(StackNames.backend)).toEqual([StackNames.images, StackNames.storage].sort())
    expect(deps(StackNames.frontend)).toEqual([StackNames.backend, StackNames.storage].sort())
    expect(deps(StackNames.frontendPipeline)).toEqual([StackNames.frontend])
    expect(deps(StackNames.backendPipeline)).toEqual([StackNames.images])
  })
})

describe("readConfig", () => {
  const of = (context: Record<string, unknown>) => readConfig((k) => context[k])

  it("has a default for everything", () => {
    const c = of({})
    expect(c).toMatchObject({
      gitSha: "dev",
      imageTags: {},
      account: undefined,
      region: undefined,
      repositoryNames: { light: "curator-lambda-light", heavy: "curator-lambda-heavy" },
      originVerifyParameter: DefaultParameters.originVerify,
      geminiKeyParameter: DefaultParameters.geminiKey,
      reservedConcurrency: true,
      alarmEmail: undefined,
      webOrigins: ["https://*.cloudfront.net"],
      apiRateLimit: 50,
      apiBurstLimit: 100
    })
    expect(imageTag(c, "api")).toBe("api-dev")
  })

  it("reads -c strings and JSON context alike", () => {
    expect(of({ imageTags: { api: "api-1" } }).imageTags).toEqual({ api: "api-1" })
    expect(of({ imageTags: '{"api":"api-2"}' }).imageTags).toEqual({ api: "api-2" })
    expect(of({ apiRateLimit: "7" }).apiRateLimit).toBe(7)
    expect(of({ reservedConcurrency: false }).reservedConcurrency).toBe(false)
  })

  it("refuses a bad number or an unknown app", () => {
    expect(() => of({ apiBurstLimit: "lots" })).toThrow(/apiBurstLimit/)
    expect(() => of({ imageTags: { cli: "cli-1" } })).toThrow(/cli/)
  })
})

describe("context from the environment (the pipeline's deploy step)", () => {
  it("reads CURATOR_GIT_SHA and CURATOR_IMAGE_TAGS when -c is absent; -c wins", () => {
    const { config } = synth({ gitSha: undefined }, { CURATOR_GIT_SHA: "f00d", CURATOR_IMAGE_TAGS: '{"api":"api-beef"}' })
    expect(imageTag(config, "video-worker")).toBe("video-worker-f00d")
    expect(imageTag(config, "api")).toBe("api-beef")
    expect(synth({ gitSha: "c0ffee" }, { CURATOR_GIT_SHA: "f00d" }).config.gitSha).toBe("c0ffee")
  })
})
