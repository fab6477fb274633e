/**
 * Shared helpers of the e2e specs that start their own `curator serve`
 * (bundled from apps/cli with tools/scripts/bundle.mjs) and Debian Chromium
 * (`/usr/bin/chromium`, never downloaded) through playwright-core, and read
 * ZIP files with yauzl.
 */
import { type ChildProcess, spawn } from "node:child_process"
import fs from "node:fs"
import path from "node:path"
import { pathToFileURL } from "node:url"
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core"
import yauzl from "yauzl"

/** The workspace root, the fixture folder and the built app. */
export const root = path.resolve(import.meta.dirname, "../../..")
export const fixtures = path.resolve(root, "../shared/fixtures/media")
export const webDist = path.join(root, "dist/apps/web")

/**
 * A running `curator serve`: its printed URL (with the access token, under the instance's own host name
 * `<port>.localhost`, which Chromium resolves to loopback itself), origin, port, log so far, and stop.
 */
export interface Server {
  readonly entryUrl: string
  readonly baseUrl: string
  readonly port: number
  readonly log: () => string
  readonly stop: () => Promise<void>
}

/** The URL `curator serve` prints first: `http://<port>.localhost:<port>/?token=...` (the 127.0.0.1 fallback follows it). */
export const PRINTED_URL = /(http:\/\/\d+\.localhost:\d+\/\S*)/

/**
 * Bundles the CLI to `cliOut` and starts `curator serve` on a free port with
 * the data folder `dataDir`, serving the built web app; resolves once it
 * printed its URL (60 s at most).
 */
export const startServer = async (cliOut: string, dataDir: string): Promise<Server> => {
  if (!fs.existsSync(path.join(webDist, "index.html"))) throw new Error(`build the web app first (nx run web:build): ${webDist} is missing`)
  const { bundle } = (await import(pathToFileURL(path.join(root, "tools/scripts/bundle.mjs")).href)) as {
    bundle: (entry: string, out: string) => Promise<unknown>
  }
  await bundle(path.join(root, "apps/cli/src/main.ts"), cliOut)
  let log = ""
  const child: ChildProcess = spawn(process.execPath, ["--enable-source-maps", cliOut, "serve", "--port", "0", "--data", dataDir, "--web", webDist], {
    cwd: root,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"]
  })
  const entryUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`curator serve printed no URL within 60 s:\n${log}`)), 60_000)
    const onData = (chunk: Buffer) => {
      log += chunk.toString()
      const m = PRINTED_URL.exec(log)
      if (m?.[1]) {
        clearTimeout(timer)
        resolve(m[1])
      }
    }
    child.stdout?.on("data", onData)
    child.stderr?.on("data", onData)
    child.on("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`curator serve exited with ${code}:\n${log}`))
    })
  })
  return {
    entryUrl,
    baseUrl: new URL(entryUrl).origin,
    port: Number(new URL(entryUrl).port),
    log: () => log,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise((r) => child.once("exit", r))
      child.kill("SIGTERM")
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
      if (child.exitCode === null) child.kill("SIGKILL")
    }
  }
}

/** Debian Chromium, headless, with nothing that phones home. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
  })

/**
 * Collects the Content-Security-Policy violations Chromium reports (on the console: "Refused to ... because it
 * violates the following Content Security Policy directive ...") in every page of `context`, from now on.
 */
export const watchCspViolations = (context: BrowserContext): Array<string> => {
  const violations: Array<string> = []
  context.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(`${message.location().url}: ${message.text()}`)
  })
  return violations
}

/** A whole-page screenshot at the page's full height (sticky bars at the bottom), once the images in it loaded (15 s at most). */
export const shot = async (page: Page, file: string) => {
  const viewport = page.viewportSize() ?? { width: 1280, height: 900 }
  const height = await page.evaluate(() => document.documentElement.scrollHeight)
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, Math.min(height, 8000)) })
  await page.waitForFunction(() => [...document.images].every((i) => i.complete), null, { timeout: 15_000 }).catch(() => undefined)
  await page.screenshot({ path: file })
  await page.setViewportSize(viewport)
}

/** One ZIP entry: its name and bytes. */
export interface ZipEntry {
  readonly name: string
  readonly bytes: Buffer
  /** Compression method: 0 = stored, 8 = deflate. */
  readonly method: number
}

/** Every entry of a ZIP file, in central-directory order (yauzl; rejects on a malformed archive). */
export const readZip = (file: string): Promise<Array<ZipEntry>> =>
  new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, strictFileNames: true, validateEntrySizes: true }, (err, zip) => {
      if (err || zip === undefined) return reject(err ?? new Error("no zip"))
      const entries: Array<ZipEntry> = []
      zip.on("error", reject)
      zip.on("end", () => resolve(entries))
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || stream === undefined) return reject(e ?? new Error("no stream"))
          const chunks: Array<Buffer> = []
          stream.on("data", (c: Buffer) => chunks.push(c))
          stream.on("error", reject)
          stream.on("end", () => {
            entries.push({ name: entry.fileName, bytes: Buffer.concat(chunks), method: entry.compressionMethod })
            zip.readEntry()
          })
        })
      })
      zip.readEntry()
    })
  })
