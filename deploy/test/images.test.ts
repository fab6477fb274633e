import { readFileSync } from "node:fs"
import path from "node:path"
import { describe, expect, it } from "vitest"
import { Functions, LambdaApps } from "../src/config.js"

/** The Nx tags of an app (apps/<app>/project.json): `docker-build` picks the Dockerfile and repository from `image:*`. */
const imageTagOf = (app: string) => {
  const project = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../apps", app, "project.json"), "utf8")) as { tags?: ReadonlyArray<string> }
  return (project.tags ?? []).filter((t) => t.startsWith("image:")).map((t) => t.slice("image:".length))
}

describe("the functions read the repository the images are pushed to", () => {
  it.each(LambdaApps)("%s: the function's image family equals the app's image:* tag", (app) => {
    expect(imageTagOf(app)).toEqual([Functions[app].image])
  })

  it("infra is affected by every Lambda app (a new image must reach its function through `nx affected -t deploy`)", () => {
    const project = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../project.json"), "utf8")) as { implicitDependencies?: ReadonlyArray<string> }
    expect([...(project.implicitDependencies ?? [])].sort()).toEqual([...LambdaApps].sort())
  })
})
