import { describe, expect, it } from "vitest"
import { constructId } from "../src/BackendStack.js"
import { LambdaApps, type LambdaApp, type TaskFunction, TaskFunctions } from "../src/config.js"
import { grantsOfRole, roleOf, synth, type Grant } from "./support.js"

const { templates } = synth()
const backend = templates.backend

const BUCKET = "import:CuratorStorage:ExportsOutputFnGetAttMediaBucket"
const TABLE = "import:CuratorStorage:ExportsOutputFnGetAttSessionTable"

const grantsOf = (app: LambdaApp | TaskFunction) => grantsOfRole(backend, roleOf(backend, "AWS::Lambda::Function", `${constructId(app)}Function`))
const machineGrants = (prefix: string) => grantsOfRole(backend, roleOf(backend, "AWS::StepFunctions::StateMachine", prefix))

/** The grants as `action -> sorted resources`, resources shortened to `bucket/<suffix>`, `bucket`, `table`, ... */
const summary = (grants: ReadonlyArray<Grant>): Record<string, ReadonlyArray<string>> => {
  const out: Record<string, Array<string>> = {}
  for (const g of grants) {
    const r = g.resource
      .replace(/^import:CuratorStorage:ExportsOutputFnGetAttMediaBucket[0-9A-F]+Arn[0-9A-F]+/, "bucket")
      .replace(/^import:CuratorStorage:ExportsOutputFnGetAttSessionTable[0-9A-F]+Arn[0-9A-F]+$/, "table")
      .replace(/^arn:ref:AWS::Partition:ssm:ref:AWS::Region:ref:AWS::AccountId:parameter/, "ssm:")
      .replace(/^(\w+?)[0-9A-F]{8}\.Arn$/, "$1")
      .replace(/^ref:(\w+?)[0-9A-F]{8}$/, "$1")
      .replace(/^arn:ref:AWS::Partition:states:ref:AWS::Region:ref:AWS::AccountId:execution:(\w+?)[0-9A-F]{8}\.Name:\*$/, "executions:$1")
    ;(out[g.action] ??= []).push(r)
  }
  for (const k of Object.keys(out)) out[k]!.sort()
  return out
}

const RECORDS = { "dynamodb:GetItem": ["table"], "dynamodb:Query": ["table"], "dynamodb:PutItem": ["table"], "dynamodb:UpdateItem": ["table"] }

describe("least privilege per function (every action and resource listed)", () => {
  it("thumbnail-worker: reads originals, writes thumbnails, its records", () => {
    expect(summary(grantsOf("thumbnail-worker"))).toEqual({
      "s3:GetObject": ["bucket/*/original/*"],
      "s3:PutObject": ["bucket/*/thumb/*"],
      "s3:AbortMultipartUpload": ["bucket/*/thumb/*"],
      "s3:ListBucket": ["bucket"],
      ...RECORDS
    })
  })

  it("selection-worker: reads thumbnails and (for the Gemini video previews) originals, no PutObject anywhere, its records, the Gemini key", () => {
    const s = summary(grantsOf("selection-worker"))
    expect(s).toEqual({
      "s3:GetObject": ["bucket/*/original/*", "bucket/*/thumb/*"],
      "s3:ListBucket": ["bucket"],
      ...RECORDS,
      "ssm:GetParameter": ["ssm:/curator/gemini-api-key"]
    })
    expect(s["s3:PutObject"]).toBeUndefined()
  })

  it.each(["enhancement-worker", "video-worker"] as const)("%s: reads originals, reads and writes enhanced outputs, its records, the Gemini key", (app) => {
    expect(summary(grantsOf(app))).toEqual({
      "s3:GetObject": ["bucket/*/enhanced/*", "bucket/*/original/*"],
      "s3:PutObject": ["bucket/*/enhanced/*"],
      "s3:AbortMultipartUpload": ["bucket/*/enhanced/*"],
      "s3:ListBucket": ["bucket"],
      ...RECORDS,
      "ssm:GetParameter": ["ssm:/curator/gemini-api-key"]
    })
  })

  it("caption-worker: reads thumbnails only (no PutObject anywhere), its records, the Gemini key", () => {
    expect(summary(grantsOf("caption-worker"))).toEqual({
      "s3:GetObject": ["bucket/*/thumb/*"],
      "s3:ListBucket": ["bucket"],
      ...RECORDS,
      "ssm:GetParameter": ["ssm:/curator/gemini-api-key"]
    })
  })

  it("bundle-worker: reads originals and enhanced outputs, reads and writes bundles only, its records, no Gemini key", () => {
    expect(summary(grantsOf("bundle-worker"))).toEqual({
      "s3:GetObject": ["bucket/*/bundle/*", "bucket/*/enhanced/*", "bucket/*/original/*"],
      "s3:PutObject": ["bucket/*/bundle/*"],
      "s3:AbortMultipartUpload": ["bucket/*/bundle/*"],
      "s3:ListBucket": ["bucket"],
      ...RECORDS
    })
  })

  it("api: table read/write, presign rights, starts and describes only the four machines, its one parameter; never invokes a Lambda", () => {
    const s = summary(grantsOf("api"))
    expect(s).toEqual({
      ...RECORDS,
      "dynamodb:DeleteItem": ["table"],
      "s3:PutObject": ["bucket/*/original/*"],
      "s3:AbortMultipartUpload": ["bucket/*/original/*"],
      "s3:ListMultipartUploadParts": ["bucket/*/original/*"],
      "s3:DeleteObject": ["bucket/*/original/*"],
      "s3:GetObject": ["bucket/*/bundle/*", "bucket/*/enhanced/*", "bucket/*/original/*", "bucket/*/thumb/*"],
      "s3:ListBucket": ["bucket"],
      "states:StartExecution": ["CaptionStateMachine", "DownloadStateMachine", "EnhancementStateMachine", "SelectionStateMachine"],
      "states:DescribeExecution": [
        "executions:CaptionStateMachine",
        "executions:DownloadStateMachine",
        "executions:EnhancementStateMachine",
        "executions:SelectionStateMachine"
      ],
      "ssm:GetParameter": ["ssm:/curator/origin-verify"]
    })
    expect(s["lambda:InvokeFunction"]).toBeUndefined()
  })

  it("no function writes outside its prefixes or touches another service, and nothing is granted on '*'", () => {
    for (const app of [...LambdaApps, ...TaskFunctions]) {
      for (const g of grantsOf(app)) {
        expect(g.resource).not.toBe("*")
        expect(g.action).not.toContain("*")
        expect(g.action).toMatch(/^(s3|dynamodb|ssm|states):/)
        if (g.action === "s3:PutObject") expect(g.resource.startsWith(BUCKET)).toBe(true)
        if (g.action === "s3:PutObject" && app !== "api") expect(g.resource).not.toMatch(/\/original\/\*$/)
        if (g.action.startsWith("dynamodb:")) expect(g.resource.startsWith(TABLE)).toBe(true)
      }
    }
  })

  it("function roles carry only the basic execution managed policy (logs)", () => {
    const roles = backend.findResources("AWS::IAM::Role")
    for (const app of [...LambdaApps, ...TaskFunctions]) {
      const role = roles[roleOf(backend, "AWS::Lambda::Function", `${constructId(app)}Function`)]!
      expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain("service-role/AWSLambdaBasicExecutionRole")
      expect(role.Properties.ManagedPolicyArns).toHaveLength(1)
    }
  })
})

describe("state machine roles", () => {
  it("selection invokes the thumbnail and selection workers only and updates the table", () => {
    expect(summary(machineGrants("SelectionStateMachine"))).toEqual({
      "lambda:InvokeFunction": ["SelectionWorkerFunction", "ThumbnailWorkerFunction"],
      "dynamodb:UpdateItem": ["table"]
    })
  })

  it("enhancement invokes the enhancement and video workers only and updates the table", () => {
    expect(summary(machineGrants("EnhancementStateMachine"))).toEqual({
      "lambda:InvokeFunction": ["EnhancementWorkerFunction", "VideoWorkerFunction"],
      "dynamodb:UpdateItem": ["table"]
    })
  })

  it("caption invokes the caption function only and updates the table", () => {
    expect(summary(machineGrants("CaptionStateMachine"))).toEqual({
      "lambda:InvokeFunction": ["CaptionWorkerFunction"],
      "dynamodb:UpdateItem": ["table"]
    })
  })

  it("download invokes the bundle function only and updates the table", () => {
    expect(summary(machineGrants("DownloadStateMachine"))).toEqual({
      "lambda:InvokeFunction": ["BundleWorkerFunction"],
      "dynamodb:UpdateItem": ["table"]
    })
  })
})

describe("ECR", () => {
  it.each([
    ["curator-lambda-light", ["api"]],
    ["curator-lambda-heavy", ["thumbnail-worker", "selection-worker", "enhancement-worker", "video-worker"]]
  ] as const)("%s: immutable tags; expires untagged images and only images beyond the newest 10 per app", (name, apps) => {
    const repos = Object.values(templates.images.findResources("AWS::ECR::Repository")).filter((r) => r.Properties.RepositoryName === name)
    expect(repos).toHaveLength(1)
    const repo = repos[0]!
    expect(repo.Properties.ImageTagMutability).toBe("IMMUTABLE")
    expect(repo.DeletionPolicy).toBe("Retain")
    const rules = JSON.parse(repo.Properties.LifecyclePolicy.LifecyclePolicyText).rules as ReadonlyArray<{ selection: Record<string, unknown> }>
    expect(rules.map((r) => r.selection)).toEqual([
      { tagStatus: "untagged", countType: "sinceImagePushed", countNumber: 1, countUnit: "days" },
      ...apps.map((app) => ({ tagStatus: "tagged", tagPrefixList: [`${app}-`], countType: "imageCountMoreThan", countNumber: 10 }))
    ])
    // No rule may reach a tagged image by age or with tagStatus "any": an old, live image would go.
    for (const r of rules) {
      expect(r.selection.tagStatus).not.toBe("any")
      if (r.selection.tagStatus === "tagged") expect(r.selection.countType).toBe("imageCountMoreThan")
    }
  })
})
