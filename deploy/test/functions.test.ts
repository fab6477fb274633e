import {
  BUNDLE_MAX_CONCURRENCY,
  CAPTION_TASK_TIMEOUT_SECONDS,
  PHOTO_ENHANCEMENT_MAX_CONCURRENCY,
  THUMBNAIL_MAX_CONCURRENCY,
  VIDEO_ENHANCEMENT_MAX_CONCURRENCY
} from "@curator/orchestration"
import { describe, expect, it } from "vitest"
import { constructId } from "../src/BackendStack.js"
import { Env, Functions, LambdaApps, type LambdaApp, type TaskFunction, TaskFunctions, TaskFunctionSpecs } from "../src/config.js"
import { logicalId, render, synth } from "./support.js"

const built = synth()
const backend = built.templates.backend

const fnProps = (template: typeof backend, app: LambdaApp | TaskFunction) => {
  const id = logicalId(template, "AWS::Lambda::Function", `${constructId(app)}Function`)
  return template.findResources("AWS::Lambda::Function")[id]!.Properties as Record<string, any>
}

describe("the seven functions", () => {
  it("are exactly the five Lambda apps and the two task functions, all container images", () => {
    backend.resourceCountIs("AWS::Lambda::Function", LambdaApps.length + TaskFunctions.length)
    expect(LambdaApps.length + TaskFunctions.length).toBe(7)
    for (const app of [...LambdaApps, ...TaskFunctions]) expect(fnProps(backend, app).PackageType).toBe("Image")
  })

  // Decision 0007: no new images; a second handler of an existing image, selected by the CMD.
  it.each([
    ["caption-worker", "selection-worker", "lambda.captionHandler", 1024, 300, 512, 5],
    ["bundle-worker", "video-worker", "lambda.bundleHandler", 2048, 900, 10240, 2]
  ] as const)("%s runs the %s image with CMD %s: %i MB, %i s, %i MB /tmp, reserved %i, arm64", (fn, app, cmd, memory, timeout, ephemeral, reserved) => {
    const p = fnProps(backend, fn)
    const appImage = render(fnProps(backend, app).Code.ImageUri)
    expect(render(p.Code.ImageUri)).toBe(appImage)
    expect(appImage.endsWith(`:${app}-abc1234`)).toBe(true)
    expect(p.ImageConfig).toEqual({ Command: [cmd] })
    expect(p.MemorySize).toBe(memory)
    expect(p.Timeout).toBe(timeout)
    expect(p.EphemeralStorage).toEqual({ Size: ephemeral })
    expect(p.ReservedConcurrentExecutions).toBe(reserved)
    expect(p.Architectures).toEqual(["arm64"])
    expect(TaskFunctionSpecs[fn].image).toBe(Functions[app].image)
  })

  it("gives the caption function the caption Task's timeout and the bundle function one Map's concurrency", () => {
    expect(fnProps(backend, "caption-worker").Timeout).toBe(CAPTION_TASK_TIMEOUT_SECONDS)
    expect(fnProps(backend, "bundle-worker").ReservedConcurrentExecutions).toBe(BUNDLE_MAX_CONCURRENCY)
  })

  it("an app's image tag override moves its task function along", () => {
    const t = synth({ imageTags: JSON.stringify({ "video-worker": "video-worker-0ld" }) }).templates.backend
    expect(render(fnProps(t, "bundle-worker").Code.ImageUri).endsWith(":video-worker-0ld")).toBe(true)
    expect(render(fnProps(t, "caption-worker").Code.ImageUri).endsWith(":selection-worker-abc1234")).toBe(true)
  })

  // Expected values written out (not read from Functions) so a change to the table must change the test.
  it.each([
    ["api", 512, 30, 512, undefined, "light"],
    ["thumbnail-worker", 1769, 120, 2048, 20, "heavy"],
    ["selection-worker", 2048, 900, 10240, 5, "heavy"],
    ["enhancement-worker", 1769, 120, 2048, 10, "heavy"],
    ["video-worker", 3538, 900, 10240, 5, "heavy"]
  ] as const)("%s: %i MB, %i s, %i MB /tmp, reserved %s, %s image, arm64", (app, memory, timeout, ephemeral, reserved, family) => {
    const p = fnProps(backend, app)
    expect(p.MemorySize).toBe(memory)
    expect(p.Timeout).toBe(timeout)
    expect(p.EphemeralStorage).toEqual({ Size: ephemeral })
    expect(p.ReservedConcurrentExecutions).toBe(reserved)
    expect(p.Architectures).toEqual(["arm64"])
    const uri = render(p.Code.ImageUri)
    expect(uri).toContain(`import:CuratorImages:ExportsOutputRef${family === "light" ? "Light" : "Heavy"}Repository`)
    expect(uri.endsWith(`:${app}-abc1234`)).toBe(true)
    expect(p.ImageConfig).toEqual({ Command: ["lambda.handler"] })
  })

  it("reserves exactly each Map's MaxConcurrency for its worker", () => {
    expect(fnProps(backend, "thumbnail-worker").ReservedConcurrentExecutions).toBe(THUMBNAIL_MAX_CONCURRENCY)
    expect(fnProps(backend, "enhancement-worker").ReservedConcurrentExecutions).toBe(PHOTO_ENHANCEMENT_MAX_CONCURRENCY)
    expect(fnProps(backend, "video-worker").ReservedConcurrentExecutions).toBe(VIDEO_ENHANCEMENT_MAX_CONCURRENCY)
  })

  it("can drop reserved concurrency for accounts with a small quota", () => {
    const t = synth({ reservedConcurrency: "false" }).templates.backend
    for (const app of [...LambdaApps, ...TaskFunctions]) expect(fnProps(t, app).ReservedConcurrentExecutions).toBeUndefined()
  })

  it("tags images <app>-<gitSha>, 'dev' without context, per-app overrides from imageTags", () => {
    const t = synth({ gitSha: undefined, imageTags: JSON.stringify({ api: "api-0ld5ha" }) }).templates.backend
    expect(render(fnProps(t, "api").Code.ImageUri).endsWith(":api-0ld5ha")).toBe(true)
    expect(render(fnProps(t, "video-worker").Code.ImageUri).endsWith(":video-worker-dev")).toBe(true)
    expect(() => synth({ imageTags: JSON.stringify({ web: "web-1" }) })).toThrow(/imageTags: web/)
  })

  it("memory sizes come from the one table (docs/performance.md)", () => {
    for (const app of LambdaApps) expect(fnProps(backend, app).MemorySize).toBe(Functions[app].memoryMb)
  })
})

describe("environment", () => {
  const envOf = (app: LambdaApp | TaskFunction) => fnProps(backend, app).Environment.Variables as Record<string, unknown>

  it.each([
    [
      "api",
      [
        Env.bucket,
        Env.table,
        Env.selectionStateMachineArn,
        Env.enhancementStateMachineArn,
        Env.captionStateMachineArn,
        Env.downloadStateMachineArn,
        Env.originVerifyParameter,
        Env.cognitoUserPoolId,
        Env.cognitoClientId
      ]
    ],
    ["thumbnail-worker", [Env.bucket, Env.table, Env.mallocArenaMax]],
    ["selection-worker", [Env.bucket, Env.table, Env.mallocArenaMax, Env.geminiKeyParameter]],
    ["enhancement-worker", [Env.bucket, Env.table, Env.mallocArenaMax, Env.geminiKeyParameter]],
    ["video-worker", [Env.bucket, Env.table, Env.mallocArenaMax, Env.geminiKeyParameter]],
    ["caption-worker", [Env.bucket, Env.table, Env.mallocArenaMax, Env.geminiKeyParameter]],
    ["bundle-worker", [Env.bucket, Env.table, Env.mallocArenaMax]]
  ] as const)("%s gets exactly its variables", (app, names) => {
    expect(Object.keys(envOf(app)).sort()).toEqual([...names].sort())
  })

  it("points every function at the storage stack's bucket and table, and sharp images get MALLOC_ARENA_MAX=2", () => {
    for (const app of [...LambdaApps, ...TaskFunctions]) {
      expect(render(envOf(app)[Env.bucket])).toMatch(/^import:CuratorStorage:ExportsOutputRefMediaBucket/)
      expect(render(envOf(app)[Env.table])).toMatch(/^import:CuratorStorage:ExportsOutputRefSessionTable/)
      if (app !== "api") expect(envOf(app)[Env.mallocArenaMax]).toBe("2")
    }
  })

  it("gives the API the four machines, the user pool and the parameter NAMES (never a secret value)", () => {
    const env = envOf("api")
    expect(render(env[Env.selectionStateMachineArn])).toMatch(/^ref:SelectionStateMachine/)
    expect(render(env[Env.enhancementStateMachineArn])).toMatch(/^ref:EnhancementStateMachine/)
    expect(render(env[Env.captionStateMachineArn])).toMatch(/^ref:CaptionStateMachine/)
    expect(render(env[Env.downloadStateMachineArn])).toMatch(/^ref:DownloadStateMachine/)
    // AuthStack's exports (auth.test.ts follows each export to the pool and the client).
    expect(render(env[Env.cognitoUserPoolId])).toMatch(/^import:CuratorAuth:ExportsOutputRefUserPool[0-9A-F]+$/)
    expect(render(env[Env.cognitoClientId])).toMatch(/^import:CuratorAuth:ExportsOutputRefUserPoolWebClient/)
    expect(env[Env.originVerifyParameter]).toBe("/curator/origin-verify")
    expect(envOf("selection-worker")[Env.geminiKeyParameter]).toBe("/curator/gemini-api-key")
  })

  it("-c geminiKeyParameter=none: no Gemini variable and no SSM permission on any worker (they stay offline)", () => {
    const offline = synth({ geminiKeyParameter: "none" }).templates.backend
    for (const app of ["selection-worker", "enhancement-worker", "video-worker", "caption-worker"] as const) {
      expect(Object.keys(fnProps(offline, app).Environment.Variables)).not.toContain(Env.geminiKeyParameter)
    }
    const policies = JSON.stringify(offline.findResources("AWS::IAM::Policy"))
    expect(policies).not.toContain("gemini-api-key")
    expect(JSON.stringify(backend.findResources("AWS::IAM::Policy"))).toContain("gemini-api-key")
  })
})

describe("HTTP API", () => {
  it("sends every route to the API function with payload v2", () => {
    backend.hasResourceProperties("AWS::ApiGatewayV2::Route", { RouteKey: "$default" })
    backend.hasResourceProperties("AWS::ApiGatewayV2::Integration", { IntegrationType: "AWS_PROXY", PayloadFormatVersion: "2.0" })
    const integration = Object.values(backend.findResources("AWS::ApiGatewayV2::Integration"))[0]!
    expect(render(integration.Properties.IntegrationUri)).toMatch(/^ApiFunction[0-9A-F]+\.Arn$/)
  })

  it("throttles the $default stage and has no authorizer (the adapter verifies the JWT, health stays open)", () => {
    backend.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 }
    })
    backend.resourceCountIs("AWS::ApiGatewayV2::Authorizer", 0)
    expect(JSON.stringify(backend.toJSON())).not.toContain("AllowOrigins")
  })
})

describe("alarms", () => {
  const alarms = Object.values(backend.findResources("AWS::CloudWatch::Alarm")).map((a) => a.Properties as Record<string, any>)
  const dims = (a: Record<string, any>) => (a.Dimensions ?? []).map((d: { Value: unknown }) => render(d.Value)).join(",")

  it.each([
    ["ExecutionsFailed", "SelectionStateMachine"],
    ["ExecutionsTimedOut", "SelectionStateMachine"],
    ["ExecutionsFailed", "EnhancementStateMachine"],
    ["ExecutionsTimedOut", "EnhancementStateMachine"],
    ["ExecutionsFailed", "CaptionStateMachine"],
    ["ExecutionsTimedOut", "CaptionStateMachine"],
    ["ExecutionsFailed", "DownloadStateMachine"],
    ["ExecutionsTimedOut", "DownloadStateMachine"],
    ...[...LambdaApps, ...TaskFunctions].flatMap((app) => [
      ["Errors", `${constructId(app)}Function`],
      ["Throttles", `${constructId(app)}Function`]
    ])
  ])("%s of %s alarms at >= 1 and notifies the topic", (metric, target) => {
    const found = alarms.filter((a) => a.MetricName === metric && dims(a).includes(target))
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ Threshold: 1, ComparisonOperator: "GreaterThanOrEqualToThreshold", TreatMissingData: "notBreaching" })
    expect(render(found[0]!.AlarmActions[0])).toMatch(/^ref:AlarmTopic/)
  })

  it("has no other alarms", () => {
    expect(alarms).toHaveLength(8 + 2 * (LambdaApps.length + TaskFunctions.length))
  })
})
