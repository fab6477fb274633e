/**
 * `curator serve [--port N] [--data DIR] [--open] [--web DIR]`: the browser
 * workflow on the local stack. Locks the data folder (a second serve or run
 * on it refuses clearly), builds the local stack (which sweeps expired
 * records and fails jobs a previous process left running), starts the local
 * server on 127.0.0.1 and prints the URL with its access token — under the
 * instance's own host name `http://<port>.localhost:<port>/` (so its cookie
 * reaches no other local server), and the `http://127.0.0.1:<port>/`
 * fallback for a browser that does not resolve `*.localhost`. Runs until
 * interrupted (Ctrl-C); then the server closes and the lock is released.
 *
 * The signing secret and the token are fresh random values per start, so a
 * URL or cookie of a previous run stops working.
 */
import { randomBytes } from "node:crypto"
import { spawn } from "node:child_process"
import path from "node:path"
import { type ApiServices, UrlSigner } from "@curator/api"
import { checkGeminiModels, DataDirLock, describeGeminiConfig, geminiConfigFromEnv, LocalStack } from "@curator/local"
import { Console, type Context, Effect, Layer, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { startLocalServer } from "./server/LocalServer.js"

/** Default port: one outside the common dev-server ranges. */
export const DEFAULT_PORT = 4173

const options = {
  port: Flag.Int("port").pipe(Flag.withDescription("Port on 127.0.0.1 (0: any free port)"), Flag.withDefault(DEFAULT_PORT)),
  data: Flag.String("data").pipe(Flag.withDescription("Data folder of the local stack (default: $CURATOR_DATA_DIR or ./.curator)"), Flag.optional),
  web: Flag.String("web").pipe(Flag.withDescription("Folder of the built web app (default: dist/apps/web beside this program)"), Flag.optional),
  open: Flag.Boolean("open").pipe(Flag.withDescription("Open the URL in the default browser"), Flag.withDefault(false))
}

/** Where the built web app is when no --web is given: `dist/apps/web` next to the bundled CLI (`dist/apps/cli/main.mjs`). */
const defaultWebRoot = () => process.env["CURATOR_WEB_DIR"] ?? path.resolve(path.dirname(process.argv[1] ?? "."), "../web")

/** Opens `url` with the platform's opener, best effort (a missing opener only logs). */
const openBrowser = (url: string) =>
  Effect.sync(() => {
    const opener = process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open"
    spawn(opener, [url], { stdio: "ignore", detached: true })
      .on("error", () => console.error(`Could not start ${opener}; open the URL yourself.`))
      .unref()
  })

/** Runs the server until interrupted (used by the command and by tests). */
export const serve = (cfg: { readonly port: number; readonly dataDir: string; readonly webRoot: string | null; readonly open: boolean }) =>
  Effect.gen(function* () {
    yield* DataDirLock.acquire(cfg.dataDir)
    const secret = randomBytes(32)
    const token = randomBytes(32).toString("base64url")
    // GEMINI_API_KEY set -> Gemini selection, photo edits, video analysis and captions, every configured
    // model checked with models.get first (an unknown or retired one stops the start with a ConfigError
    // naming its variable); unset -> offline, no network.
    const configured = geminiConfigFromEnv(process.env)
    const gemini = configured === null ? null : yield* checkGeminiModels(configured)
    const services = (yield* Layer.build(Layer.merge(LocalStack.layer({ dataDir: cfg.dataDir, gemini }), UrlSigner.layerLocal({ secret })))) as Context.Context<ApiServices>
    const server = yield* startLocalServer({ port: cfg.port, webRoot: cfg.webRoot, services, secret, token })
    yield* Console.log(`Curator is running at ${server.url}`)
    yield* Console.log(`(if your browser cannot open that address: ${server.fallbackUrl} — there every other server on 127.0.0.1 also receives the access cookie)`)
    yield* Console.log(`(data: ${cfg.dataDir}; only this machine can connect; Ctrl-C stops it)`)
    yield* Console.log(gemini === null ? "Offline selection (no GEMINI_API_KEY)." : describeGeminiConfig(gemini))
    if (cfg.open) yield* openBrowser(server.url)
    return yield* Effect.never
  }).pipe(Effect.scoped)

/** The `serve` subcommand. */
export const serveCommand = Command.make("serve", options, (cfg) =>
  serve({
    port: cfg.port,
    dataDir: path.resolve(Option.getOrElse(cfg.data, () => process.env["CURATOR_DATA_DIR"] ?? ".curator")),
    webRoot: path.resolve(Option.getOrElse(cfg.web, defaultWebRoot)),
    open: cfg.open
  })
).pipe(Command.withDescription("Serve the browser workflow (upload, selection, review) on http://<port>.localhost:<port> (127.0.0.1 only; local stack, no account needed)."))
