#!/usr/bin/env node
/**
 * `curator` — the command-line entry point.
 *
 *   curator serve [--port N] [--data DIR] [--open] [--web DIR]   (the browser workflow)
 *   curator run <folder> [--out DIR] [--max N] [--context TEXT] [--data DIR]
 *               [--steps select|enhance|posts] [--keep-gps] [--bundle-mb N]
 *   curator run --sample            (generates a sample trip and runs on it)
 *
 * Runs on Node 24 (`npm start -- run <folder>` bundles and starts it).
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Effect } from "effect"
import { Command } from "effect/cli"
import { runCommand } from "./RunCommand.js"
import { serveCommand } from "./ServeCommand.js"

const curator = Command.make("curator").pipe(
  Command.withDescription("Curator: pick, enhance and post the best of a trip's photos and videos."),
  Command.withSubcommands([serveCommand, runCommand])
)

Command.run(curator, { version: "0.1.0" }).pipe(Effect.provide(NodeServices.layer), NodeRuntime.runMain)
