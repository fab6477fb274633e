/**
 * The `docker-build` target's commands (tools/scripts/docker-build.mjs), checked without Docker:
 * every Lambda app builds from the Dockerfile its `image:*` tag names, with its own CMD_TARGET,
 * into the matching ECR repository under an immutable `<app>-<gitsha>` tag, for arm64, after
 * its `bundle` target.
 */
import { existsSync, readFileSync } from "node:fs"
import path from "node:path"
import { pathToFileURL } from "node:url"
import { describe, expect, it } from "vitest"
import { dockerBuildCommands, imageKind } from "../scripts/docker-build.mjs"

const root = path.resolve(import.meta.dirname, "../..")
const env = {
  CURATOR_ECR_LIGHT_REPOSITORY: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/curator-light",
  CURATOR_ECR_HEAVY_REPOSITORY: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/curator-heavy",
  CURATOR_GIT_SHA: "0123abc"
}
const project = (app: string) => JSON.parse(readFileSync(path.join(root, "apps", app, "project.json"), "utf8"))

describe.each([
  ["api", "light"],
  ["thumbnail-worker", "heavy"],
  ["selection-worker", "heavy"],
  ["enhancement-worker", "heavy"],
  ["video-worker", "heavy"]
])("%s", (app, kind) => {
  it(`builds docker/Dockerfile.${kind} with CMD_TARGET=${app} and pushes <repo>:${app}-<sha>`, () => {
    expect(imageKind(app)).toBe(kind)
    const image = `${kind === "light" ? env.CURATOR_ECR_LIGHT_REPOSITORY : env.CURATOR_ECR_HEAVY_REPOSITORY}:${app}-0123abc`
    expect(dockerBuildCommands(app, env)).toEqual([
      ["docker", ["build", "--platform", "linux/arm64", "--provenance=false", "-f", `docker/Dockerfile.${kind}`, "--build-arg", `CMD_TARGET=${app}`, "-t", image, "."]],
      ["docker", ["push", image]]
    ])
  })

  it("has `bundle` (cached, the one ESM file) and `docker-build` (after bundle, never cached)", () => {
    const { targets } = project(app)
    expect(targets.bundle.command).toBe(`node tools/scripts/bundle-lambda.mjs ${app}`)
    // The whole folder: the bundle, its metafile and the data files copied next to it (cities.pbf), all restored from the cache.
    expect(targets.bundle.outputs).toEqual([`{workspaceRoot}/dist/apps/${app}`])
    expect(targets["docker-build"]).toMatchObject({ command: `node tools/scripts/docker-build.mjs ${app}`, dependsOn: ["bundle"], cache: false })
  })
})

describe("docker-build", () => {
  it("refuses to run without the repository of the app's image kind", () => {
    expect(() => dockerBuildCommands("video-worker", { CURATOR_ECR_LIGHT_REPOSITORY: "x", CURATOR_GIT_SHA: "1" })).toThrow(/CURATOR_ECR_HEAVY_REPOSITORY is not set/)
  })

  it("refuses an app without an image tag", () => {
    expect(() => imageKind("web")).toThrow(/needs exactly one tag image:light or image:heavy/)
  })
})

describe.runIf(existsSync(path.join(root, "deploy/src/config.ts")))("the CDK's image family per function", () => {
  it("is the family each app's `image:*` tag builds (docker-build pushes where the function pulls from)", async () => {
    // Read from the file (infra is an app, not a library this project may depend on).
    const config = pathToFileURL(path.join(root, "deploy/src/config.ts")).href
    const { Functions } = (await import(config)) as { Functions: Record<string, { image: string }> }
    const apps = Object.keys(Functions).sort()
    expect(apps).toEqual(["api", "enhancement-worker", "selection-worker", "thumbnail-worker", "video-worker"])
    expect(Object.fromEntries(apps.map((app) => [app, imageKind(app)]))).toEqual(Object.fromEntries(apps.map((app) => [app, Functions[app]!.image])))
  })
})
