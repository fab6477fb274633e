#!/usr/bin/env node
/**
 * `curator` — the command-line entry point.
 *
 *   curator serve [--port N] [--data DIR] [--open] [--web DIR]   (the browser workflow)
 *   curator run <folder> [--out DIR] [--max N] [--context TEXT] [--data DIR]
 *               [--steps select|enhance|posts] [--keep-gps] [--bundle-mb N]
 *   curator run --sample            (generates a sample trip and runs on it)
 *   curator inspect <file|folder>... [--json]   (what Curator reads from each file)
 *
 * A user error (a missing path, an empty folder, a bad option, a data folder in
 * use) prints ONE line on stderr (`curator: <message>`) and exits 1: no stack
 * trace. Runs on Node 24 (`npm start -- run <folder>` bundles and starts it).
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Console, Effect } from "effect"
import { Command } from "effect/cli"
import { inspectCommand } from "./InspectCommand.js"
import { runCommand } from "./RunCommand.js"
import { serveCommand } from "./ServeCommand.js"

const curator = Command.make("curator").pipe(
  Command.withDescription("Curator: pick, enhance and post the best of a trip's photos and videos."),
  Command.withSubcommands([serveCommand, runCommand, inspectCommand])
)

/** Failures that are the person's to fix (their tags): printed as one line, not as a defect with a stack. */
const USER_ERROR_TAGS: ReadonlySet<string> = new Set(["InvalidInputError", "DataDirLockedError"])

const isUserError = (error: unknown): error is { readonly _tag: string; readonly message: string } =>
  typeof error === "object" && error !== null && "_tag" in error && USER_ERROR_TAGS.has(String(error._tag)) && "message" in error

Command.run(curator, { version: "0.1.0" }).pipe(
  Effect.catchIf(isUserError, (error) =>
    Console.error(`curator: ${error.message}`).pipe(
      Effect.andThen(
        Effect.sync(() => {
          process.exitCode = 1
        })
      )
    )
  ),
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain
)
