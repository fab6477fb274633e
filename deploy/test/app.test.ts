import { describe, expect, it } from "vitest"
import { StackNames } from "../src/app.js"
import { DEFAULT_AUTH_ORIGIN, DefaultParameters, imageTag, readConfig } from "../src/config.js"
import { synth } from "./support.js"

describe("the app", () => {
  it("synthesizes every stack offline: no context lookups left missing, environment-agnostic by default", () => {
    const { app, images, storage, auth, backend, frontend } = synth()
    const assembly = app.synth()
    expect(assembly.manifest.missing ?? []).toEqual([])
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(Object.values(StackNames).sort())
    for (const stack of [images, storage, auth, backend, frontend]) {
      expect(stack.environment).toBe("aws://unknown-account/unknown-region")
    }
  })

  it("pins account and region when both are given in context", () => {
    const { backend } = synth({ account: "123456789012", region: "eu-west-1" })
    expect(backend.environment).toBe("aws://123456789012/eu-west-1")
  })

  it("deploys storage, images and auth before the backend, the backend before the frontend, the frontend before its pipeline", () => {
    const { app } = synth()
    const assembly = app.synth()
    const deps = (name: string) => assembly.getStackByName(name).dependencies.map((d) => d.id).filter((id) => id.startsWith("Curator") && !id.endsWith(".assets")).sort()
    expect(deps(StackNames.images)).toEqual([])
    expect(deps(StackNames.storage)).toEqual([])
    // No loop: the client's callback URLs come from context, not from the distribution.
    expect(deps(StackNames.auth)).toEqual([])
    expect(deps(StackNames.backend)).toEqual([StackNames.auth, StackNames.images, StackNames.storage].sort())
    expect(deps(StackNames.frontend)).toEqual([StackNames.auth, StackNames.backend, StackNames.storage].sort())
    expect(deps(StackNames.frontendPipeline)).toEqual([StackNames.auth, StackNames.frontend].sort())
    // The frontend for its distribution's domain (CURATOR_WEB_ORIGINS of the pipeline's deploy).
    expect(deps(StackNames.backendPipeline)).toEqual([StackNames.frontend, StackNames.images].sort())
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
      authOrigins: [DEFAULT_AUTH_ORIGIN],
      selfSignUp: false,
      cognitoDomainPrefix: undefined,
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

  it("derives the Cognito origins from webOrigins: wildcards dropped, localhost the fallback, a trailing slash trimmed", () => {
    expect(of({ webOrigins: "https://d111.cloudfront.net/, https://*.cloudfront.net" }).authOrigins).toEqual(["https://d111.cloudfront.net"])
    expect(of({ webOrigins: "https://*.example.com" }).authOrigins).toEqual([DEFAULT_AUTH_ORIGIN])
    expect(of({ webOrigins: "https://curator.example.com,http://localhost:4173" }).authOrigins).toEqual([
      "https://curator.example.com",
      "http://localhost:4173"
    ])
  })

  it("refuses web origins and domain prefixes Cognito would refuse at deploy time", () => {
    expect(() => of({ webOrigins: "http://curator.example.com" })).toThrow(/webOrigins/)
    expect(() => of({ webOrigins: "https://curator.example.com/app" })).toThrow(/webOrigins/)
    for (const bad of ["Curator", "my-cognito-app", "aws-curator", "-curator", "curator_1", "x".repeat(64)]) {
      expect(() => of({ cognitoDomainPrefix: bad }), bad).toThrow(/cognitoDomainPrefix/)
    }
    expect(of({ cognitoDomainPrefix: "curator-prod-7" }).cognitoDomainPrefix).toBe("curator-prod-7")
    expect(of({ selfSignUp: "true" }).selfSignUp).toBe(true)
    expect(of({ selfSignUp: true }).selfSignUp).toBe(true)
  })
})

describe("context from the environment (the pipeline's deploy step)", () => {
  it("reads CURATOR_GIT_SHA and CURATOR_IMAGE_TAGS when -c is absent; -c wins", () => {
    const { config } = synth({ gitSha: undefined }, { CURATOR_GIT_SHA: "f00d", CURATOR_IMAGE_TAGS: '{"api":"api-beef"}' })
    expect(imageTag(config, "video-worker")).toBe("video-worker-f00d")
    expect(imageTag(config, "api")).toBe("api-beef")
    expect(synth({ gitSha: "c0ffee" }, { CURATOR_GIT_SHA: "f00d" }).config.gitSha).toBe("c0ffee")
  })

  it("reads CURATOR_WEB_ORIGINS when -c webOrigins is absent, so a pipeline deploy keeps the Cognito callbacks", () => {
    const { config } = synth({}, { CURATOR_WEB_ORIGINS: "https://d111abcdef8.cloudfront.net" })
    expect(config.webOrigins).toEqual(["https://d111abcdef8.cloudfront.net"])
    expect(config.authOrigins).toEqual(["https://d111abcdef8.cloudfront.net"])
  })
})
