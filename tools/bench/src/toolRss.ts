/**
 * Peak RSS of the external tools (ffmpeg, ffprobe, heif-convert) that the media code spawns.
 * `process.resourceUsage()` covers the Node process only, so each tool is started through a
 * small wrapper script that runs it under GNU time: `/usr/bin/time -f "%M"` reports the
 * child's `ru_maxrss` (KiB, from wait4(2)) once it exits. The wrappers replace the binary paths
 * in `Media.layerWith` for an UNTIMED pass only (they add a shell and a fork to each call).
 */
import { chmod, mkdtemp, readFile, writeFile } from "node:fs/promises"
import { existsSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"

/** GNU time (Debian package `time`). */
export const GNU_TIME = "/usr/bin/time"

/** One tool run seen by a wrapper: the tool, its peak RSS in MB, and whether it did real work (not a `-formats`/`-encoders` capability query). */
export interface ToolRun {
  readonly tool: string
  readonly peakRssMb: number
  readonly work: boolean
}

/** Wrapper paths to pass to `Media.layerWith`, and a reader of what they logged. */
export interface ToolWrappers {
  readonly ffmpegPath: string
  readonly ffprobePath: string
  readonly heifConvertPath: string
  readonly read: () => Promise<ReadonlyArray<ToolRun>>
}

/** Writes the wrappers into a fresh temp dir, or returns undefined when GNU time is missing. */
export const makeToolWrappers = async (): Promise<ToolWrappers | undefined> => {
  if (!existsSync(GNU_TIME)) return undefined
  const dir = await mkdtemp(path.join(tmpdir(), "curator-bench-rss-"))
  const logFile = path.join(dir, "rss.log")
  await writeFile(logFile, "")
  const wrap = async (tool: string, binary: string) => {
    const file = path.join(dir, tool)
    // `exec` so the wrapper shell does not linger; `-a -o` appends to the log instead of stderr
    // (fluent-ffmpeg and ProcessRunner read the tool's stderr).
    await writeFile(file, `#!/bin/sh\nexec ${GNU_TIME} -a -o '${logFile}' -f '${tool} %M %C' '${binary}' "$@"\n`)
    await chmod(file, 0o755)
    return file
  }
  return {
    ffmpegPath: await wrap("ffmpeg", "/usr/bin/ffmpeg"),
    ffprobePath: await wrap("ffprobe", "/usr/bin/ffprobe"),
    heifConvertPath: await wrap("heif-convert", "/usr/bin/heif-convert"),
    read: async () =>
      (await readFile(logFile, "utf8"))
        .split("\n")
        .filter((line) => /^\S+ \d+ /.test(line))
        .map((line) => {
          const [tool = "", kib = "0", ...command] = line.split(" ")
          const args = command.join(" ")
          return { tool, peakRssMb: Math.round((Number(kib) / 1024) * 10) / 10, work: !/ -(formats|encoders|codecs|filters)\b/.test(` ${args}`) }
        })
  }
}

/** The largest peak RSS (MB) per tool over the runs that did real work. */
export const peakPerTool = (runs: ReadonlyArray<ToolRun>): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const run of runs) if (run.work) out[run.tool] = Math.max(out[run.tool] ?? 0, run.peakRssMb)
  return out
}
