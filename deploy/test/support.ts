/**
 * Test helpers: synthesize the app once per test file and read the
 * templates as plain JSON, with CloudFormation intrinsics rendered to
 * readable strings (`{ Fn::GetAtt: [X, Arn] }` -> `X.Arn`, an import ->
 * `import:<export>`), so a test can say which resource a policy reaches.
 */
import { Template } from "aws-cdk-lib/assertions"
import { buildApp, type CuratorApp } from "../src/app.js"

/** The app synthesized with `context` (defaults: gitSha "abc1234", nothing else). */
export const synth = (
  context: Record<string, unknown> = {},
  env: Record<string, string> = {}
): CuratorApp & { readonly templates: Templates } => {
  const built = buildApp({ context: { gitSha: "abc1234", ...context } }, env)
  // Lazy: a test that only reads the config or the stack objects pays no synthesis.
  const cache = new Map<keyof Templates, Template>()
  const lazy = (key: keyof Templates, stack: () => Parameters<typeof Template.fromStack>[0]) => {
    let t = cache.get(key)
    if (t === undefined) cache.set(key, (t = Template.fromStack(stack())))
    return t
  }
  const templates: Templates = {
    get images() {
      return lazy("images", () => built.images)
    },
    get storage() {
      return lazy("storage", () => built.storage)
    },
    get auth() {
      return lazy("auth", () => built.auth)
    },
    get backend() {
      return lazy("backend", () => built.backend)
    },
    get frontend() {
      return lazy("frontend", () => built.frontend)
    }
  }
  return { ...built, templates }
}

export interface Templates {
  readonly images: Template
  readonly storage: Template
  readonly auth: Template
  readonly backend: Template
  readonly frontend: Template
}

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [k: string]: Json }

/** Renders a CloudFormation value (string or intrinsic) as a string; `Fn::Join` is joined, references named. */
export const render = (value: unknown): string => {
  if (typeof value === "string") return value
  if (value === null || typeof value !== "object") return String(value)
  const v = value as { readonly [k: string]: Json }
  if ("Ref" in v) return `ref:${String(v.Ref)}`
  if ("Fn::GetAtt" in v) return (v["Fn::GetAtt"] as ReadonlyArray<string>).join(".")
  if ("Fn::ImportValue" in v) return `import:${render(v["Fn::ImportValue"])}`
  if ("Fn::Join" in v) {
    const [sep, parts] = v["Fn::Join"] as [string, ReadonlyArray<Json>]
    return parts.map(render).join(sep)
  }
  if ("Fn::Select" in v) return `select(${JSON.stringify(v["Fn::Select"])})`
  return JSON.stringify(v)
}

/** One allowed action on one resource (both rendered), with the statement's Sid. */
export interface Grant {
  readonly action: string
  readonly resource: string
  readonly sid: string | undefined
}

const asArray = <A>(x: A | ReadonlyArray<A> | undefined): ReadonlyArray<A> => (x === undefined ? [] : Array.isArray(x) ? x : [x as A])

/** Every Allow (action, resource) pair of the inline policies attached to `roleLogicalId` in `template`. */
export const grantsOfRole = (template: Template, roleLogicalId: string): ReadonlyArray<Grant> => {
  const policies = template.findResources("AWS::IAM::Policy")
  const grants: Array<Grant> = []
  for (const policy of Object.values(policies)) {
    const roles = asArray(policy.Properties.Roles as Json).map(render)
    if (!roles.includes(`ref:${roleLogicalId}`)) continue
    for (const st of asArray(policy.Properties.PolicyDocument.Statement as ReadonlyArray<Record<string, Json>>)) {
      if (st.Effect !== "Allow") continue
      for (const action of asArray(st.Action as string | ReadonlyArray<string>)) {
        for (const resource of asArray(st.Resource as Json)) grants.push({ action, resource: render(resource), sid: st.Sid as string | undefined })
      }
    }
  }
  return grants
}

/** The logical id of the only resource of `type` whose logical id starts with `prefix`. */
export const logicalId = (template: Template, type: string, prefix: string): string => {
  const ids = Object.keys(template.findResources(type)).filter((id) => id.startsWith(prefix))
  if (ids.length !== 1) throw new Error(`expected one ${type} starting with ${prefix}, found ${ids.join(", ") || "none"}`)
  return ids[0]!
}

/** The execution role logical id of a Lambda function, state machine or CodeBuild project (its role property is `{ Fn::GetAtt: [role, Arn] }`). */
export const roleOf = (template: Template, type: string, prefix: string): string => {
  const id = logicalId(template, type, prefix)
  const resource = template.findResources(type)[id]!
  const key = type === "AWS::StepFunctions::StateMachine" ? "RoleArn" : type === "AWS::CodeBuild::Project" ? "ServiceRole" : "Role"
  return render(resource.Properties[key]).replace(/\.Arn$/, "")
}

/**
 * What the export `name` of `producer` (a `CuratorX:ExportsOutput...` name, as `render` shows an
 * import) holds, rendered: e.g. `ref:UserPool6BA7E5F2`. Throws when the producer has no such export.
 */
export const exportedValue = (producer: Template, name: string): string => {
  const outputs = (producer.toJSON().Outputs ?? {}) as Record<string, { Value: unknown; Export?: { Name: string } }>
  const output = Object.values(outputs).find((o) => o.Export?.Name === name)
  if (output === undefined) throw new Error(`no export ${name}`)
  return render(output.Value)
}
