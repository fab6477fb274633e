/**
 * The local server's access rules as a browser meets them (issue 15, item 6),
 * in Debian Chromium:
 * - two `curator serve` on two ports in ONE browser context both stay signed
 *   in: each has its own host name (`<port>.localhost`) and a host-only
 *   cookie, so signing in to the second does not replace the first's cookie
 *   (cookies ignore ports, RFC 6265 §8.5) — each tab uploads and reviews
 *   after the other signed in;
 * - another HTTP server on 127.0.0.1 (reached as 127.0.0.1 and as localhost)
 *   never receives either token;
 * - a page load without the cookie gets the "open the link printed by
 *   `curator serve` again" page (401), not raw JSON; the running app, on an
 *   API 401, shows the same words; the printed link signs in again;
 * - every page runs under CloudFront's Content-Security-Policy with no
 *   violation reported.
 */
import fs from "node:fs"
import http from "node:http"
import type { AddressInfo } from "node:net"
import os from "node:os"
import path from "node:path"
import { LOCAL_CONTENT_SECURITY_POLICY, LOCAL_SIGNED_OUT } from "@curator/contracts"
import type { Browser, BrowserContext, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { fixtures, launchChromium, root, type Server, startServer, watchCspViolations } from "./support.js"

const PHOTO = "jpeg-canon-s40-exif-stripped.jpg"

let a: Server | undefined
let b: Server | undefined
let browser: Browser | undefined
let context: BrowserContext | undefined
let cspViolations: Array<string> = []
/** Another local web server (as a developer has several): the Cookie header of every request it got. */
let bystander: http.Server | undefined
let bystanderPort = 0
const bystanderCookies: Array<string> = []

const logs = () => `--- A ---\n${a?.log().slice(-3000) ?? ""}\n--- B ---\n${b?.log().slice(-3000) ?? ""}`

beforeAll(async () => {
  a = await startServer(path.join(root, "dist/test/web-e2e-access/curator-a.mjs"), fs.mkdtempSync(path.join(os.tmpdir(), "curator-access-a-")))
  b = await startServer(path.join(root, "dist/test/web-e2e-access/curator-b.mjs"), fs.mkdtempSync(path.join(os.tmpdir(), "curator-access-b-")))
  bystander = http.createServer((req, res) => {
    bystanderCookies.push(req.headers.cookie ?? "")
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" })
    res.end("<!doctype html><title>another local server</title><p>hello")
  })
  await new Promise<void>((resolve) => bystander!.listen(0, "127.0.0.1", resolve))
  bystanderPort = (bystander.address() as AddressInfo).port
  browser = await launchChromium()
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  cspViolations = watchCspViolations(context)
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await Promise.all([a?.stop(), b?.stop()])
  await new Promise((resolve) => (bystander ? bystander.close(resolve) : resolve(undefined)))
})

/** Opens `url` in a new tab of the shared context. */
const open = async (url: string): Promise<Page> => {
  const page = await context!.newPage()
  page.on("pageerror", (e) => console.error(`[pageerror] ${e.message}`))
  await page.goto(url)
  return page
}

/** Uploads one photo through the upload step and waits for its review. */
const uploadAndReview = async (page: Page) => {
  await page.waitForSelector("[data-testid=dropzone]")
  await page.setInputFiles("[data-testid=file-input]", path.join(fixtures, PHOTO))
  await page.click("[data-testid=start-upload]")
  await page.waitForURL(/\/review\/[a-z2-7]{26}$/, { timeout: 120_000 })
  await page.waitForSelector("[data-testid=selected-item]")
}

describe("two Curators in one browser, and other local servers", () => {
  let tabA: Page
  let tabB: Page

  it("prints each instance's own host name; both sign in, in one browser context", async () => {
    expect(new URL(a!.entryUrl).host).toBe(`${a!.port}.localhost:${a!.port}`)
    expect(a!.log()).toContain(`http://127.0.0.1:${a!.port}/?token=`) // the fallback is printed too
    tabA = await open(a!.entryUrl)
    await tabA.waitForSelector("[data-testid=dropzone]")
    tabB = await open(b!.entryUrl)
    await tabB.waitForSelector("[data-testid=dropzone]")
    const cookies = await context!.cookies()
    expect(cookies.map((c) => [c.name, c.domain, c.httpOnly, c.sameSite]).sort()).toEqual(
      [
        [`curator_access_${a!.port}`, `${a!.port}.localhost`, true, "Strict"],
        [`curator_access_${b!.port}`, `${b!.port}.localhost`, true, "Strict"]
      ].sort()
    )
  })

  it("each tab keeps working after the other signed in: A uploads and reviews, then B, then A again", async () => {
    await uploadAndReview(tabA)
    await uploadAndReview(tabB)
    await tabA.reload()
    await tabA.waitForSelector("[data-testid=selected-item]")
    await tabB.reload()
    await tabB.waitForSelector("[data-testid=selected-item]")
    expect(await tabA.locator("[data-testid=signed-out]").count()).toBe(0)
    expect(await tabB.locator("[data-testid=signed-out]").count()).toBe(0)
  }, 300_000)

  it("another server on 127.0.0.1 never receives a Curator token, reached as 127.0.0.1 or as localhost", async () => {
    const page = await open(`http://127.0.0.1:${bystanderPort}/`)
    await page.goto(`http://localhost:${bystanderPort}/`)
    // From a Curator tab too: a link followed to the other server.
    await tabA.evaluate((url) => {
      const link = document.createElement("a")
      link.href = url
      link.textContent = "elsewhere"
      document.body.append(link)
    }, `http://127.0.0.1:${bystanderPort}/from-curator`)
    await Promise.all([tabA.waitForURL(/from-curator/), tabA.click("text=elsewhere")])
    expect(bystanderCookies.length).toBeGreaterThanOrEqual(3)
    const tokens = [a!.entryUrl, b!.entryUrl].map((u) => new URL(u).searchParams.get("token")!)
    for (const cookie of bystanderCookies) {
      expect(cookie).not.toContain("curator_access")
      for (const token of tokens) expect(cookie).not.toContain(token)
    }
    await page.close()
    await tabA.goBack()
  })
})

describe("without a valid cookie", () => {
  it("a page load gets the 'open the link printed by curator serve again' page (401), not raw JSON", async () => {
    const fresh = await browser!.newContext()
    const violations = watchCspViolations(fresh)
    const page = await fresh.newPage()
    const response = await page.goto(`${a!.baseUrl}/s/aaaaaaaaaaaaaaaaaaaaaaaaaa/review/bbbbbbbbbbbbbbbbbbbbbbbbbb`)
    expect(response?.status()).toBe(401)
    expect(await response?.headerValue("content-type")).toBe("text/html; charset=utf-8")
    expect(await response?.headerValue("content-security-policy")).toBe(LOCAL_CONTENT_SECURITY_POLICY)
    expect(await page.textContent("[data-testid=signed-out] h1")).toBe(LOCAL_SIGNED_OUT.title)
    expect(await page.textContent("[data-testid=signed-out]")).toContain("Open the link printed by curator serve")
    expect(await page.textContent("body")).not.toContain('{"error"')
    // The printed link signs in and lands on the app.
    await page.goto(a!.entryUrl)
    await page.waitForSelector("[data-testid=dropzone]")
    expect(violations).toEqual([])
    await fresh.close()
  })

  it("the running app, on an API 401 (its cookie gone), shows the same words; opening the link again signs in", async () => {
    const page = await open(`${a!.baseUrl}/`)
    await page.waitForSelector("[data-testid=dropzone]")
    await context!.clearCookies({ name: `curator_access_${a!.port}` })
    await page.setInputFiles("[data-testid=file-input]", path.join(fixtures, PHOTO))
    await page.click("[data-testid=start-upload]")
    await page.waitForSelector("[data-testid=signed-out]", { timeout: 30_000 })
    expect(await page.textContent("[data-testid=signed-out] h1")).toBe(LOCAL_SIGNED_OUT.title)
    expect(await page.textContent("[data-testid=signed-out]")).toContain("Open the link printed by curator serve")
    expect(await page.textContent("body")).not.toContain("Unauthorized")
    // B was not touched.
    const tabB = await open(`${b!.baseUrl}/`)
    await tabB.waitForSelector("[data-testid=dropzone]")
    await page.goto(a!.entryUrl)
    await page.waitForSelector("[data-testid=dropzone]")
  }, 120_000)

  it("no page reported a Content-Security-Policy violation", () => {
    expect(cspViolations, logs()).toEqual([])
  })
})
