import { Template } from "aws-cdk-lib/assertions"
import { describe, expect, it } from "vitest"
import { LambdaApps } from "../src/config.js"
import { PipelineParameters } from "../src/PipelineStacks.js"
import { exportedValue, grantsOfRole, logicalId, render, roleOf, synth } from "./support.js"

const built = synth()
const backend = Template.fromStack(built.backendPipeline)
const frontend = Template.fromStack(built.frontendPipeline)

const buildSpecOf = (t: Template) => {
  const project = Object.values(t.findResources("AWS::CodeBuild::Project"))[0]!.Properties
  return { project, commands: JSON.stringify(JSON.parse(project.Source.BuildSpec as string).phases) }
}

describe.each([
  ["backend", backend],
  ["frontend", frontend]
] as const)("%s pipeline", (_name, t) => {
  it("checks out a full clone through a CodeStar connection given as a parameter", () => {
    const pipeline = Object.values(t.findResources("AWS::CodePipeline::Pipeline"))[0]!.Properties
    expect(pipeline.PipelineType).toBe("V2")
    const source = pipeline.Stages[0].Actions[0]
    expect(source.ActionTypeId).toMatchObject({ Category: "Source", Provider: "CodeStarSourceConnection" })
    expect(source.Configuration).toMatchObject({ ConnectionArn: { Ref: "ConnectionArn" }, OutputArtifactFormat: "CODEBUILD_CLONE_REF" })
    expect(Object.keys(t.toJSON().Parameters)).toEqual(expect.arrayContaining(["ConnectionArn", "RepositoryOwner", "RepositoryName", "Branch"]))
  })

  it("builds on arm64 Amazon Linux 2023 (the images' and functions' architecture)", () => {
    const { project } = buildSpecOf(t)
    expect(project.Environment).toMatchObject({ Type: "ARM_CONTAINER", Image: "aws/codebuild/amazonlinux-aarch64-standard:3.0" })
  })

  it("diffs against the last deployed commit kept in SSM, everything when none is recorded", () => {
    const { commands } = buildSpecOf(t)
    expect(commands).toContain("aws ssm get-parameter --name \\\"$DEPLOYED_COMMIT_PARAMETER\\\"")
    expect(commands).toContain("affected --base=$BASE --head=HEAD")
    expect(commands).toContain("NX_SCOPE=\\\"run-many\\\"")
    expect(commands).toContain("put-parameter --name \\\"$DEPLOYED_COMMIT_PARAMETER\\\" --value \\\"$CURATOR_GIT_SHA\\\"")
  })
})

describe("backend pipeline", () => {
  const { project, commands } = buildSpecOf(backend)

  it("runs docker-build, then deploy (never web's), privileged for Docker", () => {
    expect(project.Environment.PrivilegedMode).toBe(true)
    const build = commands.indexOf("-t docker-build")
    const deploy = commands.indexOf("-t deploy --exclude=web")
    expect(build).toBeGreaterThan(0)
    expect(deploy).toBeGreaterThan(build)
    expect(commands).toContain("CURATOR_IMAGE_TAGS")
  })

  it("keeps one tag parameter per Lambda app and may write only its own parameters", () => {
    const names = Object.values(backend.findResources("AWS::SSM::Parameter")).map((p) => p.Properties.Name).sort()
    expect(names).toEqual([PipelineParameters.backendDeployedCommit, ...LambdaApps.map((a) => `${PipelineParameters.imageTagPrefix}${a}`)].sort())
    const grants = grantsOfRole(backend, roleOf(backend, "AWS::CodeBuild::Project", "Build"))
    const puts = grants.filter((g) => g.action === "ssm:PutParameter").map((g) => g.resource)
    expect(puts).toHaveLength(1 + LambdaApps.length)
    expect(grants.filter((g) => g.action === "ecr:PutImage").map((g) => g.resource).sort()).toEqual([
      expect.stringContaining("HeavyRepository"),
      expect.stringContaining("LightRepository")
    ])
    expect(grants.find((g) => g.action === "sts:AssumeRole")?.resource).toMatch(/:role\/cdk-hnb659fds-\*$/)
  })
})

describe("backend pipeline's web origins", () => {
  const originsOf = (t: Template) =>
    render(
      (buildSpecOf(t).project.Environment.EnvironmentVariables as ReadonlyArray<{ Name: string; Value: unknown }>).find((v) => v.Name === "CURATOR_WEB_ORIGINS")
        ?.Value
    )

  it("passes the distribution's domain as CURATOR_WEB_ORIGINS when no concrete webOrigins were given", () => {
    expect(originsOf(backend)).toMatch(/^https:\/\/import:CuratorFrontend:ExportsOutputFnGetAttDistribution\w+DomainName/)
  })

  it("passes the given webOrigins instead", () => {
    const custom = synth({ webOrigins: "https://curator.example.com" })
    expect(originsOf(Template.fromStack(custom.backendPipeline))).toBe("https://curator.example.com")
  })
})

describe("frontend pipeline", () => {
  const { project, commands } = buildSpecOf(frontend)

  it("deploys web only, with the bucket and distribution in its environment; not privileged", () => {
    expect(project.Environment.PrivilegedMode).toBe(false)
    expect(commands).toContain("-t deploy --exclude=infra")
    expect(commands).not.toContain("docker-build")
    const vars = (project.Environment.EnvironmentVariables as ReadonlyArray<{ Name: string }>).map((v) => v.Name)
    expect(vars).toEqual(expect.arrayContaining(["CURATOR_WEB_BUCKET", "CURATOR_DISTRIBUTION_ID"]))
  })

  it("hands web-config.mjs the pool, the web client and the Hosted UI base URL (AuthStack's exports)", () => {
    const vars = Object.fromEntries(
      (project.Environment.EnvironmentVariables as ReadonlyArray<{ Name: string; Value: unknown; Type: string }>).map((v) => [v.Name, v])
    )
    for (const name of ["CURATOR_COGNITO_USER_POOL_ID", "CURATOR_COGNITO_CLIENT_ID", "CURATOR_COGNITO_DOMAIN"]) expect(vars[name]?.Type).toBe("PLAINTEXT")
    const value = (name: string) => render(vars[name]!.Value)
    const authExport = (name: string) => exportedValue(built.templates.auth, value(name).replace(/^import:/, ""))
    expect(authExport("CURATOR_COGNITO_USER_POOL_ID")).toBe(`ref:${logicalId(built.templates.auth, "AWS::Cognito::UserPool", "UserPool")}`)
    expect(authExport("CURATOR_COGNITO_CLIENT_ID")).toBe(`ref:${logicalId(built.templates.auth, "AWS::Cognito::UserPoolClient", "UserPoolWebClient")}`)
    expect(value("CURATOR_COGNITO_DOMAIN")).toMatch(/^https:\/\/import:CuratorAuth:ExportsOutputRefUserPoolHostedUi\w+\.auth\.ref:AWS::Region\.amazoncognito\.com$/)
    // AWS_REGION is CodeBuild's own; the pipeline must not pin another.
    expect(vars.AWS_REGION).toBeUndefined()
  })

  it("may invalidate only its distribution", () => {
    const grants = grantsOfRole(frontend, roleOf(frontend, "AWS::CodeBuild::Project", "Build"))
    const invalidate = grants.filter((g) => g.action === "cloudfront:CreateInvalidation")
    expect(invalidate).toHaveLength(1)
    expect(invalidate[0]!.resource).toMatch(/:distribution\/import:CuratorFrontend:ExportsOutputRefDistribution/)
  })
})
