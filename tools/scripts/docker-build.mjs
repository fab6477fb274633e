// Builds and pushes one Lambda app's image (Nx target `docker-build`, after `bundle`; issue 5).
// Never run on a machine without Docker and ECR credentials: the backend pipeline's CodeBuild
// runs it through `nx affected -t docker-build` after logging in to ECR.
//
// - Dockerfile: docker/Dockerfile.light or docker/Dockerfile.heavy, chosen by the app's Nx tag
//   `image:light` / `image:heavy` (apps/<app>/project.json), with `--build-arg CMD_TARGET=<app>`.
// - Repository: CURATOR_ECR_LIGHT_REPOSITORY or CURATOR_ECR_HEAVY_REPOSITORY (full repository URI,
//   `<account>.dkr.ecr.<region>.amazonaws.com/<name>`), set by the pipeline.
// - Tag: `<app>-<gitsha>` (immutable; DockerImageCode.fromEcr names it), gitsha from CURATOR_GIT_SHA,
//   else CODEBUILD_RESOLVED_SOURCE_VERSION, else `git rev-parse HEAD`.
// - arm64 only (one CPU architecture across CodeBuild, images and Lambda).
//
// usage: node tools/scripts/docker-build.mjs <app> [--dry-run]   (--dry-run prints the commands)
import { execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..")

/** The image kind of an app from its `image:*` Nx tag; throws when it has none or both. */
export const imageKind = (app) => {
  const project = JSON.parse(readFileSync(path.join(root, "apps", app, "project.json"), "utf8"))
  const kinds = (project.tags ?? []).filter((t) => t.startsWith("image:")).map((t) => t.slice("image:".length))
  if (kinds.length !== 1 || !["light", "heavy"].includes(kinds[0])) throw new Error(`${app}: needs exactly one tag image:light or image:heavy, has ${kinds.join(",") || "none"}`)
  return kinds[0]
}

/** The `[command, args]` pairs that build and push `app`'s image, from the environment `env`. */
export const dockerBuildCommands = (app, env = process.env) => {
  const kind = imageKind(app)
  const repoVar = kind === "light" ? "CURATOR_ECR_LIGHT_REPOSITORY" : "CURATOR_ECR_HEAVY_REPOSITORY"
  const repository = env[repoVar]
  if (!repository) throw new Error(`${repoVar} is not set (the ECR repository URI of the ${kind} images)`)
  const sha = env.CURATOR_GIT_SHA || env.CODEBUILD_RESOLVED_SOURCE_VERSION || execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim()
  const image = `${repository}:${app}-${sha}`
  return [
    ["docker", ["build", "--platform", "linux/arm64", "--provenance=false", "-f", `docker/Dockerfile.${kind}`, "--build-arg", `CMD_TARGET=${app}`, "-t", image, "."]],
    ["docker", ["push", image]]
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2)
  const app = args.find((a) => !a.startsWith("--"))
  if (!app) {
    console.error("usage: node tools/scripts/docker-build.mjs <app> [--dry-run]")
    process.exit(2)
  }
  for (const [cmd, cmdArgs] of dockerBuildCommands(app)) {
    console.log([cmd, ...cmdArgs].join(" "))
    if (!args.includes("--dry-run")) execFileSync(cmd, cmdArgs, { cwd: root, stdio: "inherit" })
  }
}
