/// <reference path="./internal/modules.d.ts" />
/**
 * ProcessRunner: the one place Curator runs ffmpeg, ffprobe and heif-convert on
 * untrusted files, with the Hardening rules of ARCHITECTURE.md:
 * - ffmpeg gets `-nostdin`; every tool runs with stdin closed;
 * - inputs are plain files only: `-protocol_whitelist file,pipe`, the path passed as
 *   `file:<absolute path>`, and protocol strings, playlists (HLS `#EXTM3U`, `.pls`)
 *   and concat scripts (`ffconcat`) are refused before any tool sees them;
 * - a wall-clock timeout (config `toolTimeout`) KILLS the process (SIGKILL) and fails
 *   with `MediaToolTimeoutError`;
 * - each invocation gets a private temp dir, removed when its scope closes (Lambda's
 *   `/tmp` survives between warm invocations).
 *
 * fluent-ffmpeg (archived upstream) builds and runs the ffmpeg commands, behind this
 * service so it can be swapped. It is imported by its file path: older releases'
 * package entry requires a `lib-cov` path that esbuild cannot resolve. Its `ffprobe()`
 * parses ffprobe's text output, so `probe` runs `ffprobe -print_format json` itself
 * and decodes the JSON with an effect Schema.
 */
import { mkdtemp, open, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import path from "node:path"
import { Context, Duration, Effect, Layer, Schema, type Scope } from "effect"
import { CorruptMediaError, MediaToolTimeoutError, UnsupportedMediaError } from "@curator/contracts"
import ffmpeg from "fluent-ffmpeg/lib/fluent-ffmpeg.js"
import type { FfmpegCommand } from "fluent-ffmpeg"
import { MediaConfig } from "./MediaConfig.js"
import { FfprobeResultFromJson, type FfprobeResult } from "./internal/ffprobe.js"
import { resolveExiftoolScript } from "./internal/exiftool.js"
import { lastLine, spawnTool, type SpawnResult } from "./internal/spawnTool.js"

export type { FfprobeResult, FfprobeStream } from "./internal/ffprobe.js"
export type { FfmpegCommand } from "fluent-ffmpeg"

/** The external tools this service runs. */
export type MediaTool = "ffmpeg" | "ffprobe" | "heif-convert" | "jpegtran" | "exiftool"

/** Per-call options: `timeout` overrides the configured wall-clock limit; `demuxer` forces ffmpeg's input format (e.g. `mov`). */
export interface ToolOptions {
  readonly timeout?: Duration.Input
  readonly demuxer?: string
}

/** Errors of running a tool on a file: refused input, tool failure (the file is unreadable), or timeout. */
export type ToolError = UnsupportedMediaError | CorruptMediaError | MediaToolTimeoutError

/** The ffmpeg hardening input options (ffmpeg docs: "Protocol Options", `protocol_whitelist`). */
export const HARDENED_INPUT_OPTIONS: ReadonlyArray<string> = ["-protocol_whitelist", "file,pipe"]

// `concat:a|b`, `http://`, `subfile,,start,...:` and the like: anything that is a protocol, not a path.
const PROTOCOL_PATTERN = /^[a-z][a-z0-9+.,-]*:/i
const PLAYLIST_EXTENSIONS = new Set([".m3u", ".m3u8", ".pls", ".ffconcat", ".txt", ".mpd", ".sdp", ".xspf"])
const PLAYLIST_SIGNATURES = ["#EXTM3U", "ffconcat", "[playlist]", "<?xml", "#EXT", "file '", "file \"", "v=0"]

/**
 * Checks an input is a plain local file and not a playlist or concat script (by name and by content).
 * Returns the absolute path. Fails with `UnsupportedMediaError`.
 */
export const guardInput = Effect.fnUntraced(function* (input: string) {
  if (PROTOCOL_PATTERN.test(input)) {
    return yield* new UnsupportedMediaError({ message: `refused input "${input}": only plain local files are processed, not protocols or concat lists` })
  }
  const absolute = path.resolve(input)
  if (PLAYLIST_EXTENSIONS.has(path.extname(absolute).toLowerCase())) {
    return yield* new UnsupportedMediaError({ message: `refused input "${path.basename(absolute)}": playlists and concat scripts are not processed` })
  }
  const head = yield* Effect.tryPromise({
    try: async () => {
      const handle = await open(absolute, "r")
      try {
        const buffer = Buffer.alloc(16)
        const { bytesRead } = await handle.read(buffer, 0, 16, 0)
        return buffer.subarray(0, bytesRead).toString("latin1")
      } finally {
        await handle.close()
      }
    },
    catch: () => new UnsupportedMediaError({ message: `cannot read input "${path.basename(absolute)}"` })
  })
  if (PLAYLIST_SIGNATURES.some((s) => head.startsWith(s))) {
    return yield* new UnsupportedMediaError({ message: `refused input "${path.basename(absolute)}": playlists and concat scripts are not processed` })
  }
  return absolute
})

/** The ffprobe arguments Curator uses (JSON output, hardened input). */
export const ffprobeArgs = (absolutePath: string, demuxer?: string): ReadonlyArray<string> => [
  "-v", "error",
  ...HARDENED_INPUT_OPTIONS,
  ...(demuxer !== undefined ? ["-f", demuxer] : []),
  "-print_format", "json",
  "-show_format", "-show_streams",
  `file:${absolutePath}`
]

/** The service. */
export class ProcessRunner extends Context.Service<ProcessRunner, {
  /**
   * A fresh private directory under the OS temp dir (mode 0700 via mkdtemp), removed with
   * everything in it when the caller's scope closes, whatever the outcome.
   */
  readonly tempDir: Effect.Effect<string, never, Scope.Scope>
  /**
   * Runs `tool` with `args` (no shell, stdin closed). The caller builds the arguments and must
   * pass inputs through {@link guardInput}. Non-zero exit -> `CorruptMediaError` carrying the
   * tool's last stderr line; past the timeout the process is killed -> `MediaToolTimeoutError`.
   */
  readonly run: (tool: MediaTool, args: ReadonlyArray<string>, options?: ToolOptions) => Effect.Effect<SpawnResult, CorruptMediaError | MediaToolTimeoutError>
  /**
   * `ffprobe -v error -print_format json -show_format -show_streams` on one file, decoded with
   * the ffprobe Schema. An unreadable container (e.g. no `moov` atom) -> `CorruptMediaError`.
   */
  readonly probe: (input: string, options?: ToolOptions) => Effect.Effect<FfprobeResult, ToolError>
  /**
   * Runs one ffmpeg command built by `configure` through fluent-ffmpeg. The input is guarded and
   * hardened (`-nostdin`, protocol whitelist, `file:` path, optional forced demuxer); `inputOptions`
   * go before `-i` (e.g. `-ss 1` for input seeking). `configure` receives the command and a fresh
   * temp dir (alive until the caller's scope closes) to write outputs into.
   */
  readonly ffmpeg: (
    input: string,
    configure: (command: FfmpegCommand, tempDir: string) => FfmpegCommand,
    options?: ToolOptions & { readonly inputOptions?: ReadonlyArray<string> }
  ) => Effect.Effect<void, ToolError, Scope.Scope>
}>()("curator/media/ProcessRunner") {
  static readonly layer = Layer.effect(
    ProcessRunner,
    Effect.gen(function* () {
      const config = yield* MediaConfig
      const binaries: Record<Exclude<MediaTool, "exiftool">, string> = {
        ffmpeg: config.ffmpegPath,
        ffprobe: config.ffprobePath,
        "heif-convert": config.heifConvertPath,
        jpegtran: config.jpegtranPath
      }
      // ExifTool's script is found on first use (MEDIA_EXIFTOOL_PATH or the exiftool-vendored.pl
      // package); a missing script is a deployment defect, not a property of the file.
      const exiftoolScript = yield* Effect.cached(resolveExiftoolScript(config.exiftoolPath).pipe(Effect.orDie))
      const binaryOf = (tool: MediaTool) => (tool === "exiftool" ? exiftoolScript : Effect.succeed(binaries[tool]))

      const tempDir = Effect.acquireRelease(
        Effect.promise(() => mkdtemp(path.join(tmpdir(), "curator-media-"))),
        (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
      )

      const withTimeout = <A, E, R>(tool: MediaTool, options: ToolOptions | undefined, effect: Effect.Effect<A, E, R>) => {
        const limit = Duration.fromInputUnsafe(options?.timeout ?? config.toolTimeout)
        return Effect.timeoutOrElse(effect, {
          duration: limit,
          orElse: () => Effect.fail(new MediaToolTimeoutError({ message: `${tool} ran longer than ${Duration.format(limit)} and was killed` }))
        })
      }

      const run = (tool: MediaTool, args: ReadonlyArray<string>, options?: ToolOptions) =>
        withTimeout(tool, options, Effect.flatMap(binaryOf(tool), (binary) => spawnTool(binary, args))).pipe(
          Effect.flatMap((result) =>
            result.code === 0
              ? Effect.succeed(result)
              : Effect.fail(new CorruptMediaError({ message: `${tool} could not read the file: ${lastLine(result.stderr)}` }))
          )
        )

      const probe = Effect.fnUntraced(function* (input: string, options?: ToolOptions) {
        const absolute = yield* guardInput(input)
        const result = yield* run("ffprobe", ffprobeArgs(absolute, options?.demuxer), options)
        return yield* Schema.decodeUnknownEffect(FfprobeResultFromJson)(Buffer.from(result.stdout).toString("utf8")).pipe(
          Effect.mapError((error) => new CorruptMediaError({ message: `ffprobe output could not be decoded: ${error.message}` }))
        )
      })

      const ffmpegRun = Effect.fnUntraced(function* (
        input: string,
        configure: (command: FfmpegCommand, tempDir: string) => FfmpegCommand,
        options?: ToolOptions & { readonly inputOptions?: ReadonlyArray<string> }
      ) {
        const absolute = yield* guardInput(input)
        const dir = yield* tempDir
        const command = configure(
          ffmpeg({ stdoutLines: 0 })
            .setFfmpegPath(config.ffmpegPath)
            .input(`file:${absolute}`)
            .inputOptions([
              "-nostdin",
              ...HARDENED_INPUT_OPTIONS,
              ...(options?.demuxer !== undefined ? ["-f", options.demuxer] : []),
              ...(options?.inputOptions ?? [])
            ]),
          dir
        )
        yield* withTimeout("ffmpeg", options, runCommand(command))
      })

      return ProcessRunner.of({ tempDir, run, probe, ffmpeg: ffmpegRun })
    })
  )
}

/**
 * Runs a fluent-ffmpeg command to completion. On interruption the ffmpeg process is
 * SIGKILLed — also when fluent-ffmpeg is still preparing (it spawns only after checking
 * capabilities), by killing it on `start` — and the Effect waits until it has exited.
 */
const runCommand = (command: FfmpegCommand): Effect.Effect<void, CorruptMediaError> =>
  Effect.callback<void, CorruptMediaError>((resume) => {
    let cancelled = false
    const settled = new Promise<void>((resolve) => {
      command.once("end", () => resolve())
      command.once("error", () => resolve())
    })
    command
      .once("start", () => {
        if (cancelled) command.kill("SIGKILL")
      })
      .once("end", () => resume(Effect.void))
      .once("error", (error: Error, _stdout: string | null, stderr: string | null) =>
        resume(Effect.fail(new CorruptMediaError({ message: `ffmpeg could not read the file: ${lastLine(stderr ?? error.message)}` })))
      )
    command.run()
    return Effect.promise(() => {
      cancelled = true
      // fluent-ffmpeg exposes the child as `ffmpegProc` once spawned (processor.js).
      const proc = (command as unknown as { ffmpegProc?: { kill: (s: string) => void } }).ffmpegProc
      if (proc !== undefined) proc.kill("SIGKILL")
      return settled
    })
  })
