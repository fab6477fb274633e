/**
 * Parser-based checks of docker/Dockerfile.light and docker/Dockerfile.heavy (issue 5): no Docker
 * engine runs here, so the files are parsed with dockerfile-ast and their shape is asserted —
 * CMD_TARGET picks the bundle, every base image is pinned (dated tag, never `latest`), ffmpeg and
 * libheif only in heavy (downloads checksum-verified), perl and the ExifTool script only in heavy (the
 * exiftool-vendored.pl version locked in package-lock.json, MEDIA_EXIFTOOL_PATH), sharp's linux-arm64 binaries at the
 * workspace's sharp version, MALLOC_ARENA_MAX=2, the bundle copied last and run as `lambda.handler`.
 * Each check is also run on a broken variant, so none of them can pass vacuously.
 */
import { readFileSync } from "node:fs"
import path from "node:path"
import { type Copy, type Dockerfile, DockerfileParser, type From, type Instruction } from "dockerfile-ast"
import { describe, expect, it } from "vitest"

const root = path.resolve(import.meta.dirname, "../..")
const read = (kind: Kind) => readFileSync(path.join(root, "docker", `Dockerfile.${kind}`), "utf8")
const sharpVersion: string = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).dependencies.sharp
/** The ExifTool script exiftool-vendored runs: the locked exiftool-vendored.pl (an optional dependency of exiftool-vendored). */
const exiftoolPlVersion: string = JSON.parse(readFileSync(path.join(root, "package-lock.json"), "utf8")).packages["node_modules/exiftool-vendored.pl"].version

type Kind = "light" | "heavy"

/** One build stage: its FROM and the instructions up to the next FROM. */
interface Stage {
  readonly from: From
  readonly instructions: ReadonlyArray<Instruction>
}

const stagesOf = (file: Dockerfile): ReadonlyArray<Stage> => {
  const stages: Array<{ from: From; instructions: Array<Instruction> }> = []
  for (const instruction of file.getInstructions()) {
    if (instruction.getKeyword() === "FROM") stages.push({ from: instruction as From, instructions: [] })
    else stages.at(-1)?.instructions.push(instruction)
  }
  return stages
}

/** The default values of the ARGs declared before the first FROM (the global build args). */
const globalArgs = (file: Dockerfile): ReadonlyMap<string, string | null> =>
  new Map(file.getInitialARGs().flatMap((arg) => {
    const property = arg.getProperty()
    return property === null ? [] : [[property.getName(), property.getValue()] as const]
  }))

const text = (instruction: Instruction) => instruction.getRawArgumentsContent() ?? ""
const PINNED_BASE = /^public\.ecr\.aws\/lambda\/nodejs:24\.\d{4}\.\d{2}\.\d{2}\.\d{2}-arm64(@sha256:[0-9a-f]{64})?$/
const NATIVE_TOOLS = /ffmpeg|ffprobe|libheif|heif-convert|libde265|exiftool|perl/i

/** Every problem of a Dockerfile's shape (empty = conforms). */
const problemsOf = (content: string, kind: Kind): ReadonlyArray<string> => {
  const problems: Array<string> = []
  const file = DockerfileParser.parse(content)
  const args = globalArgs(file)
  const stages = stagesOf(file)
  const final = stages.at(-1)
  if (final === undefined) return ["no FROM"]
  const stageNames = new Set(stages.flatMap((s) => s.from.getBuildStage() ?? []))

  // Base images: every FROM is the pinned Lambda base (through BASE_IMAGE) or an earlier stage.
  const base = args.get("BASE_IMAGE") ?? ""
  if (!PINNED_BASE.test(base)) problems.push(`BASE_IMAGE is not a pinned dated arm64 Lambda Node 24 tag: ${base}`)
  for (const { from } of stages) {
    const image = from.getImage() ?? ""
    if (image !== "${BASE_IMAGE}" && !stageNames.has(image)) problems.push(`FROM ${image}: not the pinned base`)
    if (/latest/.test(image)) problems.push(`FROM ${image}: latest`)
  }
  if (final.from.getBuildStage() !== null) problems.push("the final stage is named (it must be the default target)")

  // The app: CMD_TARGET declared in the final stage and naming the bundle, copied last.
  const finalKeywords = final.instructions.map((i) => i.getKeyword())
  const cmdTargetArg = final.instructions.findIndex((i) => i.getKeyword() === "ARG" && text(i) === "CMD_TARGET")
  const copies = final.instructions.filter((i) => i.getKeyword() === "COPY")
  const lastCopy = copies.at(-1)
  if (cmdTargetArg < 0) problems.push("no ARG CMD_TARGET in the final stage")
  if (lastCopy === undefined || !/^dist\/apps\/\$\{CMD_TARGET\}\/ \$\{LAMBDA_TASK_ROOT\}\/$/.test(text(lastCopy))) {
    problems.push(`the last COPY is not the bundle: ${lastCopy === undefined ? "none" : text(lastCopy)}`)
  }
  if (copies.slice(0, -1).some((c) => text(c).includes("CMD_TARGET"))) problems.push("CMD_TARGET used before the last COPY (breaks layer reuse)")
  if (lastCopy !== undefined && final.instructions.slice(final.instructions.indexOf(lastCopy) + 1).some((i) => i.getKeyword() !== "CMD")) {
    problems.push("instructions after the bundle COPY")
  }
  if (cmdTargetArg >= 0 && lastCopy !== undefined && final.instructions.indexOf(lastCopy) !== cmdTargetArg + 1) {
    problems.push("ARG CMD_TARGET is not right before the bundle COPY (it would invalidate earlier layers)")
  }
  const cmds = final.instructions.filter((i) => i.getKeyword() === "CMD")
  if (cmds.length !== 1 || text(cmds[0]!) !== '["lambda.handler"]') problems.push(`CMD is not ["lambda.handler"]: ${cmds.map(text).join(" | ")}`)
  if (finalKeywords.includes("ENTRYPOINT")) problems.push("ENTRYPOINT overrides the Lambda base's runtime interface client")
  if (finalKeywords.includes("USER")) problems.push("USER: Lambda runs functions as its own user (docker/README.md)")

  // Environment: MALLOC_ARENA_MAX=2 in the image that runs sharp.
  const env = final.instructions.filter((i) => i.getKeyword() === "ENV").flatMap((i) => (i as unknown as { getProperties(): Array<{ getName(): string; getValue(): string | null }> }).getProperties())
  if (!env.some((p) => p.getName() === "MALLOC_ARENA_MAX" && p.getValue() === "2")) problems.push("ENV MALLOC_ARENA_MAX=2 missing")

  // sharp: linux-arm64 glibc binaries at the workspace's version, copied into the task root.
  if (args.get("SHARP_VERSION") !== sharpVersion) problems.push(`SHARP_VERSION ${args.get("SHARP_VERSION")} != package.json's ${sharpVersion}`)
  const sharpRun = stages.flatMap((s) => s.instructions).find((i) => i.getKeyword() === "RUN" && text(i).includes("sharp@${SHARP_VERSION}"))
  if (sharpRun === undefined || !["--cpu=arm64", "--os=linux", "--libc=glibc"].every((flag) => text(sharpRun).includes(flag))) {
    problems.push("no `npm install --cpu=arm64 --os=linux --libc=glibc sharp@${SHARP_VERSION}`")
  }
  const sharpCopy = copies.find((c) => (c as Copy).getFromFlag()?.getValue() === "sharp")
  if (sharpCopy === undefined || !/node_modules \$\{LAMBDA_TASK_ROOT\}\/node_modules$/.test(text(sharpCopy))) problems.push("sharp's node_modules not copied into the task root")

  // Native tools: heavy only, pinned and checksum-verified.
  const allInstructions = stages.flatMap((s) => [s.from as Instruction, ...s.instructions])
  if (kind === "light") {
    const native = allInstructions.filter((i) => NATIVE_TOOLS.test(text(i)))
    if (native.length > 0) problems.push(`native media tools in the light image: ${native.map((i) => i.getKeyword()).join(", ")}`)
  } else {
    for (const name of ["FFMPEG_RELEASE", "FFMPEG_ARCHIVE", "LIBHEIF_VERSION", "LIBDE265_VERSION"]) {
      const value = args.get(name) ?? ""
      if (value === "" || /latest/i.test(value)) problems.push(`${name} not pinned: ${value}`)
    }
    for (const name of ["LIBHEIF_VERSION", "LIBDE265_VERSION"]) if (!/^\d+\.\d+\.\d+$/.test(args.get(name) ?? "")) problems.push(`${name} is not x.y.z`)
    for (const download of allInstructions.filter((i) => i.getKeyword() === "RUN" && text(i).includes("curl "))) {
      const files = [...text(download).matchAll(/curl [^&]*-o (\S+)/g)].map((m) => m[1])
      for (const f of files) if (!new RegExp(`sha256sum -c[^&]*`).test(text(download)) || !text(download).includes(`  ${f}" | sha256sum -c`)) problems.push(`download ${f} not checksum-verified`)
    }
    const heifBuild = allInstructions.find((i) => i.getKeyword() === "RUN" && text(i).includes("-S libheif-"))
    if (heifBuild === undefined || !text(heifBuild).includes("-DWITH_LIBDE265=ON") || !text(heifBuild).includes("-DWITH_EXAMPLES=ON")) problems.push("libheif not built with libde265 and heif-convert")
    const finalCopies = copies.map(text).join("\n")
    for (const tool of ["/opt/bin/ffmpeg", "/opt/bin/ffprobe", "heif-convert"]) if (!finalCopies.includes(tool)) problems.push(`${tool} not copied into the image`)
    const toolEnv = new Map(env.map((p) => [p.getName(), p.getValue()]))
    for (const [name, value] of [
      ["MEDIA_FFMPEG_PATH", "/opt/bin/ffmpeg"],
      ["MEDIA_FFPROBE_PATH", "/opt/bin/ffprobe"],
      ["MEDIA_HEIF_CONVERT_PATH", "/opt/bin/heif-convert"],
      ["MEDIA_EXIFTOOL_PATH", "/opt/exiftool/exiftool"]
    ]) {
      if (toolEnv.get(name!) !== value) problems.push(`ENV ${name}=${value} missing`)
    }
    // ExifTool (GPS stripping, issue 7): perl in the final image, the locked exiftool-vendored.pl script copied to /opt/exiftool.
    if (!final.instructions.some((i) => i.getKeyword() === "RUN" && /\bdnf install -y (.* )?perl( |$)/.test(text(i)))) problems.push("perl not installed in the final image")
    if (args.get("EXIFTOOL_VENDORED_PL_VERSION") !== exiftoolPlVersion) {
      problems.push(`EXIFTOOL_VENDORED_PL_VERSION ${args.get("EXIFTOOL_VENDORED_PL_VERSION")} != package-lock.json's ${exiftoolPlVersion}`)
    }
    if (!allInstructions.some((i) => i.getKeyword() === "RUN" && text(i).includes("exiftool-vendored.pl@${EXIFTOOL_VENDORED_PL_VERSION}"))) problems.push("no `npm install exiftool-vendored.pl@${EXIFTOOL_VENDORED_PL_VERSION}`")
    if (!copies.some((c) => (c as Copy).getFromFlag()?.getValue() === "exiftool" && /\/opt\/exiftool\/? \/opt\/exiftool\/?$/.test(text(c)))) problems.push("the ExifTool script not copied to /opt/exiftool")
  }
  return problems
}

describe.each<Kind>(["light", "heavy"])("Dockerfile.%s", (kind) => {
  const content = read(kind)

  it("conforms: pinned base, CMD_TARGET bundle copied last, lambda.handler, MALLOC_ARENA_MAX=2, sharp for arm64", () => {
    expect(problemsOf(content, kind)).toEqual([])
  })

  it.each<[string, (s: string) => string, RegExp]>([
    ["an unpinned base", (s) => s.replace(/^ARG BASE_IMAGE=.*$/m, "ARG BASE_IMAGE=public.ecr.aws/lambda/nodejs:latest"), /BASE_IMAGE is not a pinned/],
    ["a floating major tag", (s) => s.replace(/^ARG BASE_IMAGE=.*$/m, "ARG BASE_IMAGE=public.ecr.aws/lambda/nodejs:24"), /BASE_IMAGE is not a pinned/],
    ["a hard-coded bundle", (s) => s.replace("dist/apps/${CMD_TARGET}/ ", "dist/apps/api/ "), /the last COPY is not the bundle/],
    ["the bundle copied before sharp", (s) => s.replace(/^ARG CMD_TARGET\nCOPY dist.*\n/m, "").replace(/^COPY --from=sharp/m, "ARG CMD_TARGET\nCOPY dist/apps/${CMD_TARGET}/ ${LAMBDA_TASK_ROOT}/\nCOPY --from=sharp"), /the last COPY is not the bundle|instructions after|CMD_TARGET/],
    ["no MALLOC_ARENA_MAX", (s) => s.replace("MALLOC_ARENA_MAX=2", "MALLOC_ARENA_MAX=8"), /MALLOC_ARENA_MAX=2 missing/],
    ["another CMD", (s) => s.replace('CMD ["lambda.handler"]', 'CMD ["index.handler"]'), /CMD is not/],
    ["a USER", (s) => s.replace('CMD ["lambda.handler"]', 'USER 1000\nCMD ["lambda.handler"]'), /USER|instructions after/],
    ["sharp for the build machine", (s) => s.replace("--cpu=arm64 ", ""), /--cpu=arm64/]
  ])("rejects %s", (_, mutate, problem) => {
    const mutated = mutate(content)
    expect(mutated).not.toBe(content)
    expect(problemsOf(mutated, kind).join("\n")).toMatch(problem)
  })
})

describe("ffmpeg and libheif only in heavy", () => {
  it("the light image mentions no native media tool outside comments; heavy builds and copies them", () => {
    const light = DockerfileParser.parse(read("light")).getInstructions()
    expect(light.filter((i) => NATIVE_TOOLS.test(text(i)))).toEqual([])
    const heavy = DockerfileParser.parse(read("heavy")).getInstructions()
    expect(heavy.filter((i) => NATIVE_TOOLS.test(text(i))).length).toBeGreaterThan(5)
  })

  it("rejects a heavy image without perl, with another ExifTool version or without MEDIA_EXIFTOOL_PATH", () => {
    const heavy = read("heavy")
    for (const [mutated, problem] of [
      [heavy.replace("RUN dnf install -y perl && dnf clean all\n", ""), /perl not installed/],
      [heavy.replace(/^ARG EXIFTOOL_VENDORED_PL_VERSION=.*$/m, "ARG EXIFTOOL_VENDORED_PL_VERSION=12.0.0"), /EXIFTOOL_VENDORED_PL_VERSION 12\.0\.0/],
      [heavy.replace("    MEDIA_EXIFTOOL_PATH=/opt/exiftool/exiftool \\\n", ""), /ENV MEDIA_EXIFTOOL_PATH/],
      [heavy.replace("COPY --from=exiftool /opt/exiftool/ /opt/exiftool/\n", ""), /not copied to \/opt\/exiftool/]
    ] as const) {
      expect(mutated).not.toBe(heavy)
      expect(problemsOf(mutated, "heavy").join("\n")).toMatch(problem)
    }
    const light = read("light").replace("COPY --from=sharp", "RUN dnf install -y perl\nCOPY --from=sharp")
    expect(problemsOf(light, "light").join("\n")).toMatch(/native media tools in the light image/)
  })

  it("rejects ffmpeg in the light image and an unverified download in heavy", () => {
    const light = read("light").replace("COPY --from=sharp", "COPY --from=mwader/static-ffmpeg:7.1 /ffmpeg /opt/bin/ffmpeg\nCOPY --from=sharp")
    expect(problemsOf(light, "light").join("\n")).toMatch(/native media tools in the light image/)
    const heavy = read("heavy").replace(' \\\n && echo "${FFMPEG_SHA256}  ffmpeg.tar.xz" | sha256sum -c -', "")
    expect(heavy).not.toBe(read("heavy"))
    expect(problemsOf(heavy, "heavy").join("\n")).toMatch(/download ffmpeg\.tar\.xz not checksum-verified/)
  })
})
