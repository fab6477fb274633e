/**
 * `nx affected` on a scratch git history (issue 5, docs/decisions/0005): the
 * backend pipeline builds the images of the affected Lambda apps and deploys
 * the affected `infra`/`web`, so the project graph must say exactly which
 * images a change reaches. The workspace (tracked and untracked files, not
 * node_modules/dist) is copied into a temporary git repository sharing this
 * workspace's node_modules; each case commits one change on top of the base
 * commit and asks `nx show projects --affected --base=HEAD~1` (no daemon, no
 * cache, no cloud).
 *
 * "The images that bundle libs/media" is read from the bundles themselves
 * (esbuild metafiles in dist/apps/<app>/lambda.meta.json), not listed by hand.
 */
import { execFileSync } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import fs from "node:fs/promises"
import os from "node:os"
import path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const root = path.resolve(import.meta.dirname, "../..")
/** Every app deployed as a Lambda image (the projects with a `docker-build` target). */
const LAMBDA_APPS = ["api", "thumbnail-worker", "selection-worker", "enhancement-worker", "video-worker"]
const hasInfra = existsSync(path.join(root, "deploy/project.json"))

let scratch: string
const git = (...args: Array<string>) =>
  execFileSync("git", ["-c", "user.name=affected-test", "-c", "user.email=affected-test@localhost", "-c", "commit.gpgsign=false", ...args], {
    cwd: scratch,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"]
  })

/** The Lambda apps whose bundle holds a file under `dir` (from the esbuild metafiles). */
const appsBundling = (dir: string) =>
  LAMBDA_APPS.filter((app) => {
    const meta = path.join(root, "dist/apps", app, "lambda.meta.json")
    return existsSync(meta) && Object.keys(JSON.parse(readFileSync(meta, "utf8")).inputs).some((input) => input.startsWith(`${dir}/`))
  })

/** Commits a one-line change to `file` on a branch off the base commit; returns `nx show projects --affected --base=HEAD~1`, sorted. */
const affectedBy = (file: string): Array<string> => {
  git("checkout", "--quiet", "-B", `change-${path.basename(file)}`, "base")
  const target = path.join(scratch, file)
  execFileSync("sh", ["-c", `printf '\\n// affected-test change\\n' >> "$1"`, "sh", target])
  git("commit", "--quiet", "-am", `change ${file}`)
  const out = execFileSync(process.execPath, [path.join(scratch, "node_modules/nx/dist/bin/nx.js"), "show", "projects", "--affected", "--base=HEAD~1", "--head=HEAD", "--json"], {
    cwd: scratch,
    encoding: "utf8",
    env: { ...process.env, NX_DAEMON: "false", NX_NO_CLOUD: "true", NX_SKIP_NX_CACHE: "true", NX_TUI: "false", NX_CACHE_PROJECT_GRAPH: "false" },
    stdio: ["ignore", "pipe", "pipe"]
  })
  return (JSON.parse(out) as Array<string>).sort()
}

beforeAll(async () => {
  scratch = await fs.mkdtemp(path.join(os.tmpdir(), "curator-affected-"))
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" })
    .split("\0")
    .filter((f) => f !== "" && existsSync(path.join(root, f)))
  for (const f of files) {
    await fs.mkdir(path.dirname(path.join(scratch, f)), { recursive: true })
    await fs.copyFile(path.join(root, f), path.join(scratch, f))
  }
  // node_modules: this workspace's packages, except the workspace links (@curator/*), which npm made relative
  // (../../libs/x) and so, copied as they are, point into the scratch copy (projects outside the npm workspaces,
  // such as deploy/, find their @curator imports through them).
  await fs.mkdir(path.join(scratch, "node_modules/@curator"), { recursive: true })
  for (const entry of await fs.readdir(path.join(root, "node_modules"))) {
    if (entry !== "@curator") await fs.symlink(path.join(root, "node_modules", entry), path.join(scratch, "node_modules", entry))
  }
  for (const pkg of await fs.readdir(path.join(root, "node_modules/@curator"))) {
    const link = await fs.readlink(path.join(root, "node_modules/@curator", pkg))
    if (path.isAbsolute(link)) throw new Error(`node_modules/@curator/${pkg} is an absolute link: ${link}`)
    await fs.symlink(link, path.join(scratch, "node_modules/@curator", pkg))
  }
  git("init", "--quiet", "-b", "base")
  git("add", "-A")
  git("commit", "--quiet", "-m", "base")
}, 120_000)

afterAll(async () => {
  if (scratch !== undefined) await fs.rm(scratch, { recursive: true, force: true })
})

describe("nx affected on a scratch history", () => {
  it("a change under libs/media affects exactly the images that bundle it: not api, not web", () => {
    const affected = affectedBy("libs/media/src/index.ts")
    const images = appsBundling("libs/media")
    expect(images).toEqual(expect.arrayContaining(["thumbnail-worker", "enhancement-worker", "video-worker"]))
    expect(affected.filter((p) => LAMBDA_APPS.includes(p))).toEqual([...images].sort())
    expect(affected).not.toContain("api")
    expect(affected).not.toContain("web")
    // infra deploys the rebuilt images (it depends on every Lambda app), so it follows them.
    if (hasInfra) expect(affected).toContain("infra")
  }, 180_000)

  it("a change under apps/web affects only the frontend (web and its e2e tests)", () => {
    expect(affectedBy("apps/web/src/router/Route.ts")).toEqual(["web", "web-e2e"])
  }, 180_000)

  it("a change under libs/orchestration affects infra (the state machines) and every image that bundles it", () => {
    const affected = affectedBy("libs/orchestration/src/index.ts")
    if (hasInfra) expect(affected).toContain("infra")
    expect(appsBundling("libs/orchestration")).toEqual(expect.arrayContaining(["thumbnail-worker", "selection-worker", "enhancement-worker", "video-worker"]))
    expect(affected).toEqual(expect.arrayContaining(appsBundling("libs/orchestration")))
    expect(affected).not.toContain("web")
  }, 180_000)

  it("a change to the Dockerfiles affects every Lambda app (implicit dependency on `docker`), not web", () => {
    const affected = affectedBy("docker/Dockerfile.heavy")
    expect(affected.filter((p) => LAMBDA_APPS.includes(p))).toEqual([...LAMBDA_APPS].sort())
    expect(affected).not.toContain("web")
  }, 180_000)
})
