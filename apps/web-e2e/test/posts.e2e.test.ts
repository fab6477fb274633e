/**
 * The whole browser flow on the local stack (issue 7), as a person uses it:
 * upload four fixture photos -> selection -> review (keep all) -> enhance ->
 * accept -> group into TWO posts (drag and drop with the pointer, the
 * keyboard and the plain controls) -> captions (offline) with one feedback
 * round ("Shorter") -> download, with every ZIP opened here (yauzl): entry
 * names, their carousel order, GPS gone from the exported JPEGs (exifr) and
 * present in a second download made with "Keep GPS location in files".
 * Then back from Caption to Review: "Change selection" asks first (a
 * <dialog> that says what is discarded), an item that is in a post is
 * excluded, the review confirmed again, and the item is gone from its post;
 * the changed post's caption and the download are out of date, the untouched
 * post keeps its caption. A reload at every step resumes there.
 *
 * The real `curator serve` (bundled from apps/cli) serves the built app;
 * Debian Chromium through playwright-core. Screenshots: test-output/e2e-posts/.
 */
import exifr from "exifr"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import type { Browser, BrowserContext, Page } from "playwright-core"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { fixtures, launchChromium, readZip, root, type Server, shot, startServer, watchCspViolations } from "./support.js"

const shots = path.join(root, "test-output/e2e-posts")
const downloads = fs.mkdtempSync(path.join(os.tmpdir(), "curator-e2e-bundles-"))

/** Four small photos: two JPEGs with GPS (the GPS checks), a WebP with GPS and a JPEG without any EXIF. */
const subset = ["jpeg-nikon-coolpix-p6000-gps.jpg", "jpeg-sony-dsc-hx5v-gps.jpg", "webp-htc-desire-gps.webp", "jpeg-canon-s40-exif-stripped.jpg"]
const WITH_GPS = ["jpeg-nikon-coolpix-p6000-gps.jpg", "jpeg-sony-dsc-hx5v-gps.jpg"]

let server: Server | undefined
let browser: Browser | undefined
let context: BrowserContext | undefined
/** Content-Security-Policy violations reported in any page of the walk (must stay empty). */
let cspViolations: Array<string> = []
const log = () => server?.log().slice(-4000) ?? ""

const base = (name: string) => name.replace(/\.[^.]+$/, "")
const SID = "[a-z2-7]{26}"

/** The flow's URLs, filled in as the test goes. */
const flow = { sessionId: "", reviewUrl: "", enhanceUrl: "", groupUrl: "", posts: [] as Array<{ postId: string; label: string; names: Array<string> }> }

const openPage = async (url: string): Promise<Page> => {
  if (!context) throw new Error("no browser context")
  const page = await context.newPage()
  page.on("pageerror", (e) => console.error(`[pageerror] ${e.message}`))
  await page.goto(url)
  return page
}

const pill = (page: Page, step: string) => page.locator(`[data-testid=steps] li[data-step=${step}]`)

/** The names of a post's items in carousel order, as the Group step shows them. */
const postNames = (page: Page, index: number) => page.locator(`[data-testid=post][data-index="${index}"] [data-testid=post-item]`).evaluateAll((els) => els.map((e) => e.getAttribute("data-name") ?? ""))

/** Waits for the Group step to finish saving (the controls are enabled again). */
const settled = (page: Page) => page.waitForFunction(() => document.querySelector(".group-layout")?.getAttribute("aria-busy") === "false", null, { timeout: 30_000 })

/** Drags one element onto another with the pointer, in small steps (dnd-kit's PointerSensor starts after 6 px). */
const dragTo = async (page: Page, from: string, to: string) => {
  await page.evaluate(() => scrollTo({ top: 0 }))
  const a = await page.locator(from).boundingBox()
  const b = await page.locator(to).boundingBox()
  const viewport = page.viewportSize() ?? { width: 1280, height: 900 }
  if (a === null || b === null) throw new Error(`nothing to drag: ${from} -> ${to}`)
  if (a.y + a.height / 2 > viewport.height || b.y + b.height / 2 > viewport.height) throw new Error(`drag ends outside the viewport: ${JSON.stringify({ a, b })}`)
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2)
  await page.mouse.down()
  await page.mouse.move(a.x + a.width / 2 + 12, a.y + a.height / 2 + 12, { steps: 4 })
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 20 })
  await page.waitForTimeout(150)
  await page.mouse.up()
}

/** Clicks a bundle's button and returns the saved ZIP's path (the answer is an attachment: a browser download). */
const downloadBundle = async (page: Page, name: string): Promise<string> => {
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 60_000 }), page.click(`[data-testid=bundle-download][data-name="${name}"]`)])
  expect(download.suggestedFilename()).toBe(`${name}.zip`)
  const file = path.join(downloads, `${Date.now()}-${name}.zip`)
  await download.saveAs(file)
  return file
}

/** Waits for a download job to end and returns its bundles per post (from the page). */
const finishedDownload = async (page: Page) => {
  await page.waitForSelector("[data-testid=download]")
  await page.waitForFunction(() => document.querySelector("[data-testid=download]")?.getAttribute("data-status") !== "running", null, { timeout: 240_000, polling: 500 })
  expect(await page.getAttribute("[data-testid=download]", "data-status"), log()).toBe("complete")
  return page.locator("[data-testid=download-post]").evaluateAll((els) =>
    els.map((el) => ({
      postId: el.getAttribute("data-post-id") ?? "",
      status: el.getAttribute("data-status") ?? "",
      bundles: [...el.querySelectorAll("[data-testid=bundle]")].map((b) => ({
        name: b.getAttribute("data-name") ?? "",
        bytes: Number(b.getAttribute("data-bytes")),
        entries: [...b.querySelectorAll("[data-testid=bundle-entries] li")].map((li) => li.textContent ?? "")
      }))
    }))
  )
}

beforeAll(async () => {
  fs.rmSync(shots, { recursive: true, force: true })
  fs.mkdirSync(shots, { recursive: true })
  server = await startServer(path.join(root, "dist/test/web-e2e-posts/curator.mjs"), fs.mkdtempSync(path.join(os.tmpdir(), "curator-posts-e2e-")))
  browser = await launchChromium()
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, acceptDownloads: true })
  cspViolations = watchCspViolations(context)
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.baseUrl })
  const first = await context.newPage()
  await first.goto(server.entryUrl)
  await first.waitForSelector("[data-testid=dropzone]")
  await first.close()
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await server?.stop()
  fs.rmSync(downloads, { recursive: true, force: true })
})

describe("posts, captions and downloads in the browser", () => {
  it("uploads, reviews (keeping all four), enhances and accepts; then opens the Group step", async () => {
    const page = await openPage(`${server!.baseUrl}/`)
    await page.waitForSelector("[data-testid=dropzone]")
    await page.setInputFiles(
      "[data-testid=file-input]",
      subset.map((f) => path.join(fixtures, f))
    )
    await page.fill("textarea", "A week in Tuscany and Milan")
    await page.click("[data-testid=start-upload]")
    await page.waitForURL(new RegExp(`/review/${SID}$`), { timeout: 150_000 })
    flow.reviewUrl = page.url()
    flow.sessionId = new URL(page.url()).pathname.split("/")[2] ?? ""
    await page.waitForSelector("[data-testid=selected-item]")
    for (const toggle of await page.locator("[data-testid=excluded-item] [data-testid=toggle]").all()) {
      await toggle.click()
      await expect.poll(() => toggle.getAttribute("aria-busy")).toBe("false")
    }
    expect(Number(await page.textContent("[data-testid=included-count]"))).toBe(subset.length)
    // Before confirming, the later steps are not reachable.
    await expect.poll(() => pill(page, "group").getAttribute("data-reached")).toBe("false")
    await page.click("[data-testid=confirm]")
    await page.waitForSelector("[data-testid=confirmed]")
    await expect.poll(() => pill(page, "group").getAttribute("data-reached")).toBe("true")
    await page.click("[data-testid=start-enhance]")
    await page.waitForURL(new RegExp(`/enhance/${SID}$`), { timeout: 30_000 })
    flow.enhanceUrl = page.url()
    // A reload resumes the enhance step.
    await page.reload()
    await page.waitForSelector("[data-testid=enhance-item]")
    expect(await pill(page, "enhance").getAttribute("aria-current")).toBe("step")
    await page.waitForFunction(() => document.querySelector("[data-testid=job-status]")?.textContent === "Complete", null, { timeout: 300_000, polling: 500 })
    const accept = page.locator("[data-testid=accept]")
    await expect.poll(() => accept.isEnabled(), { timeout: 30_000 }).toBe(true)
    await accept.click()
    await page.waitForSelector("[data-testid=accepted]")
    await page.click("[data-testid=group-posts]")
    await page.waitForURL(new RegExp(`/s/${SID}/group$`))
    flow.groupUrl = page.url()
    await page.waitForSelector("[data-testid=pool-item]")
    expect(await page.locator("[data-testid=pool-item]").count()).toBe(subset.length)
    // Every item shows its exported version: the accepted enhanced round.
    expect(await page.locator("[data-testid=pool-item][data-source=enhanced]").count()).toBe(subset.length)
    // Pictures load as they come near the view (each scrolled to in the pool).
    for (const tile of await page.locator("[data-testid=pool-item]").all()) {
      await tile.scrollIntoViewIfNeeded()
      await expect
        .poll(() => tile.locator("[data-testid=item-picture]").evaluate((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).catch(() => false), { timeout: 30_000 })
        .toBe(true)
    }
    expect(await pill(page, "group").getAttribute("aria-current")).toBe("step")
    await shot(page, path.join(shots, "1-group-empty.png"))
    await page.close()
  }, 600_000)

  it("groups into two posts by drag and drop, keyboard and buttons; labels; 'n / 20'; all kept across a reload", async () => {
    const page = await openPage(flow.groupUrl)
    await page.waitForSelector("[data-testid=pool-item]")
    const [nikon, sony, webp, canon] = subset
    const poolItem = (name: string) => `[data-testid=pool-item][data-name="${name}"]`

    // Post 1 from the "New post" button, then the Nikon photo dragged into it with the pointer.
    await page.click("[data-testid=new-post]")
    await page.waitForSelector("[data-testid=post][data-index='0']")
    await settled(page)
    await dragTo(page, `${poolItem(nikon!)} [data-testid=drag-handle]`, "[data-testid=post][data-index='0'] [data-testid=post-list]")
    await expect.poll(() => postNames(page, 0), { timeout: 15_000 }).toEqual([nikon])
    await settled(page)

    // The Sony photo with "Add to post…".
    await page.selectOption(`${poolItem(sony!)} [data-testid=add-to-post]`, { index: 1 })
    await expect.poll(() => postNames(page, 0)).toEqual([nikon, sony])
    await settled(page)

    // Post 2 by dropping the WebP on "new post"; the Canon photo joins it with "Add to post…".
    await dragTo(page, `${poolItem(webp!)} [data-testid=drag-handle]`, "[data-testid=new-post-drop]")
    await page.waitForSelector("[data-testid=post][data-index='1']")
    await expect.poll(() => postNames(page, 1)).toEqual([webp])
    await settled(page)
    const post2 = await page.getAttribute("[data-testid=post][data-index='1']", "data-post-id")
    await page.selectOption(`${poolItem(canon!)} [data-testid=add-to-post]`, post2 ?? "")
    await expect.poll(() => postNames(page, 1)).toEqual([webp, canon])
    await settled(page)
    expect(await page.locator("[data-testid=pool-item]").count()).toBe(0)

    // Carousel order: the keyboard sensor moves the Nikon photo after the Sony one (Space, Right, Space) ...
    await page.focus(`[data-testid=post][data-index='0'] [data-testid=post-item][data-name="${nikon}"] [data-testid=drag-handle]`)
    await page.keyboard.press("Space")
    await page.waitForTimeout(200)
    await page.keyboard.press("ArrowRight")
    await page.waitForTimeout(400)
    await page.keyboard.press("Space")
    await expect.poll(() => postNames(page, 0), { timeout: 15_000 }).toEqual([sony, nikon])
    await settled(page)
    // ... and the buttons move it back and forth.
    await page.click(`[data-testid=post][data-index='0'] [data-testid=post-item][data-name="${nikon}"] [data-testid=move-left]`)
    await expect.poll(() => postNames(page, 0)).toEqual([nikon, sony])
    await settled(page)
    await page.click(`[data-testid=post][data-index='0'] [data-testid=post-item][data-name="${nikon}"] [data-testid=move-right]`)
    await expect.poll(() => postNames(page, 0)).toEqual([sony, nikon])
    await settled(page)

    // Remove and put back (the pool), then labels.
    await page.click(`[data-testid=post][data-index='1'] [data-testid=post-item][data-name="${canon}"] [data-testid=remove-from-post]`)
    await expect.poll(() => page.locator("[data-testid=pool-item]").count()).toBe(1)
    await settled(page)
    await page.selectOption(`${poolItem(canon!)} [data-testid=add-to-post]`, post2 ?? "")
    await expect.poll(() => postNames(page, 1)).toEqual([webp, canon])
    await settled(page)
    for (const [index, label] of [
      [0, "Tuscany hills"],
      [1, "Milan"]
    ] as const) {
      const input = page.locator(`[data-testid=post][data-index='${index}'] [data-testid=post-label]`)
      await input.fill(label)
      await input.press("Enter")
      await settled(page)
    }
    expect(await page.locator("[data-testid=post-fill]").allTextContents()).toEqual(["2 / 20", "2 / 20"])

    // Two tabs: a change made from a tab showing an older revision is refused (409); that tab reloads and says so.
    const other = await openPage(flow.groupUrl)
    await other.waitForSelector("[data-testid=post]")
    const canonIn = `[data-testid=post][data-index='1'] [data-testid=post-item][data-name="${canon}"]`
    await page.click(`${canonIn} [data-testid=move-left]`)
    await expect.poll(() => postNames(page, 1)).toEqual([canon, webp])
    await settled(page)
    await other.click(`${canonIn} [data-testid=move-left]`)
    await other.waitForSelector("[data-testid=group-notice]")
    expect(await other.textContent("[data-testid=group-notice]")).toContain("the posts changed meanwhile")
    await expect.poll(() => postNames(other, 1)).toEqual([canon, webp])
    await other.close()
    await page.click(`${canonIn} [data-testid=move-right]`)
    await expect.poll(() => postNames(page, 1)).toEqual([webp, canon])
    await settled(page)

    // A third post made from the Canon photo's "Move to… New post", then deleted: the photo returns to the pool.
    await page.selectOption(`${canonIn} [data-testid=add-to-post]`, "new-post")
    await page.waitForSelector("[data-testid=post][data-index='2']")
    await expect.poll(() => postNames(page, 2)).toEqual([canon])
    await settled(page)
    await page.click("[data-testid=post][data-index='2'] [data-testid=delete-post]")
    await expect.poll(() => page.locator("[data-testid=post]").count()).toBe(2)
    await expect.poll(() => page.locator("[data-testid=pool-item]").evaluateAll((els) => els.map((e) => e.getAttribute("data-name")))).toEqual([canon])
    await settled(page)
    await page.selectOption(`${poolItem(canon!)} [data-testid=add-to-post]`, post2 ?? "")
    await expect.poll(() => postNames(page, 1)).toEqual([webp, canon])
    await settled(page)

    // Reload: the posts, their order and labels come back from the store.
    await page.reload()
    await page.waitForSelector("[data-testid=post]")
    expect(await pill(page, "group").getAttribute("aria-current")).toBe("step")
    await expect.poll(() => pill(page, "caption").getAttribute("data-reached")).toBe("true")
    expect(await postNames(page, 0)).toEqual([sony, nikon])
    expect(await postNames(page, 1)).toEqual([webp, canon])
    expect(await page.locator("[data-testid=post-label]").evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(["Tuscany hills", "Milan"])
    flow.posts = [
      { postId: (await page.getAttribute("[data-testid=post][data-index='0']", "data-post-id")) ?? "", label: "Tuscany hills", names: [sony!, nikon!] },
      { postId: post2 ?? "", label: "Milan", names: [webp!, canon!] }
    ]
    await shot(page, path.join(shots, "2-group-two-posts.png"))
    await page.close()
  }, 300_000)

  it("captions both posts offline: one 'Shorter' round, hashtag chips, copy, accept & next; reloads resume", async () => {
    const page = await openPage(flow.groupUrl)
    await page.waitForSelector("[data-testid=post]")
    await page.click("[data-testid=caption-posts]")
    const [p1, p2] = flow.posts
    await page.waitForURL(new RegExp(`/caption/${p1!.postId}$`))
    const card = page.locator("[data-testid=caption]")
    const complete = () => page.waitForFunction(() => document.querySelector("[data-testid=caption]")?.getAttribute("data-status") === "complete", null, { timeout: 120_000, polling: 300 })
    await complete()
    expect(await page.locator("[data-testid=caption-version]").count()).toBe(1)
    const first = await page.inputValue("[data-testid=caption-text]")
    expect(first.length, log()).toBeGreaterThan(0)
    // The post's pictures in carousel order.
    expect(await card.locator(".caption-strip li").evaluateAll((els) => els.map((e) => e.getAttribute("title")))).toEqual(p1!.names)
    await shot(page, path.join(shots, "3-caption-first.png"))

    // Reload: the same post and caption (the job is read, not started again).
    const jobId = await card.getAttribute("data-job-id")
    await page.reload()
    await complete()
    expect(await card.getAttribute("data-job-id")).toBe(jobId)
    expect(await page.inputValue("[data-testid=caption-text]")).toBe(first)
    expect(await pill(page, "caption").getAttribute("aria-current")).toBe("step")

    // "Shorter": a round runs, then version 1 with its words is shown and is shorter.
    await page.click("[data-testid=caption-feedback-chip][data-words=shorter]")
    await complete()
    await expect.poll(() => page.locator("[data-testid=caption-version]").count()).toBe(2)
    expect(await page.locator("[data-testid=caption-version][data-round='1']").textContent()).toContain("shorter")
    expect(await page.locator("[data-testid=caption-version][data-round='1'] input").isChecked()).toBe(true)
    const shorter = await page.inputValue("[data-testid=caption-text]")
    expect(shorter.length).toBeLessThan(first.length)
    // The first draft can be picked again, then the shorter one.
    await page.click("[data-testid=caption-version][data-round='0']")
    await expect.poll(() => page.inputValue("[data-testid=caption-text]")).toBe(first)
    await page.click("[data-testid=caption-version][data-round='1']")
    await expect.poll(() => page.inputValue("[data-testid=caption-text]")).toBe(shorter)

    // Hashtags as chips: remove one, add two (cleaned, no duplicates).
    const tags = await page.locator("[data-testid=hashtag]").evaluateAll((els) => els.map((e) => e.getAttribute("data-tag") ?? ""))
    if (tags.length > 0) {
      await page.click(`[data-testid=hashtag][data-tag="${tags[0]}"] button`)
      await expect.poll(() => page.locator("[data-testid=hashtag]").count()).toBe(tags.length - 1)
    }
    await page.fill("[data-testid=hashtag-input]", "#TuscanyTrip, #tuscanytrip Chianti-2026")
    await page.press("[data-testid=hashtag-input]", "Enter")
    const edited = await page.locator("[data-testid=hashtag]").evaluateAll((els) => els.map((e) => e.getAttribute("data-tag") ?? ""))
    expect(edited.slice(-2)).toEqual(["TuscanyTrip", "Chianti2026"])

    // Copy: caption, blank line, hashtags.
    await page.click("[data-testid=copy]")
    await expect.poll(() => page.textContent("[data-testid=copied]")).toBe("Copied caption and hashtags.")
    const clip = await page.evaluate(() => navigator.clipboard.readText())
    expect(clip).toBe(`${shorter.trim()}\n\n${edited.map((t) => `#${t}`).join(" ")}`)
    await shot(page, path.join(shots, "4-caption-shorter-edited.png"))

    // Accept & next: the edit is stored as a version and accepted; the next post opens.
    await page.click("[data-testid=accept-next]")
    await page.waitForURL(new RegExp(`/caption/${p2!.postId}$`), { timeout: 30_000 })
    await complete()
    expect(await page.locator("[data-testid=post-tab]").allTextContents()).toEqual([expect.stringContaining("Tuscany hills"), expect.stringContaining("Milan")])
    await page.click("[data-testid=accept-next]")
    await page.waitForURL(new RegExp(`/s/${SID}/download$`), { timeout: 30_000 })

    // Back on post 1: the edited version is the accepted one.
    await page.goto(`${server!.baseUrl}/s/${flow.sessionId}/caption/${p1!.postId}`)
    await complete()
    await expect.poll(() => page.locator("[data-testid=caption-version]").count()).toBe(3)
    expect(await page.getAttribute("[data-testid=caption-version][data-round='2']", "data-source")).toBe("edited")
    expect(await page.textContent("[data-testid=caption-accepted]")).toContain("version 2")
    await page.close()
  }, 300_000)

  it("downloads one ZIP per post: entries in carousel order, GPS removed; a second download keeps GPS", async () => {
    const page = await openPage(`${server!.baseUrl}/s/${flow.sessionId}/download`)
    await page.waitForSelector("[data-testid=download-form]")
    expect(await page.isChecked("[data-testid=keep-gps]")).toBe(false)
    expect(await page.textContent("[data-testid=bundle-size]")).toContain("375 MB")
    await page.click("[data-testid=start-download]")
    await page.waitForURL(new RegExp(`/download/${SID}$`))
    // Reload mid-way: the job resumes from the status route.
    await page.reload()
    const posts = await finishedDownload(page)
    await shot(page, path.join(shots, "5-download.png"))
    expect(posts.map((p) => p.status)).toEqual(["done", "done"])

    const check = async (keepGps: boolean) => {
      const shown = await finishedDownload(page)
      for (const [i, post] of flow.posts.entries()) {
        const bundles = shown.find((p) => p.postId === post.postId)?.bundles ?? []
        // One bundle per post: "<NN>-<slug of the label>".
        expect(bundles.map((b) => b.name)).toEqual([`${String(i + 1).padStart(2, "0")}-${post.label.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`])
        const bundle = bundles[0]!
        const file = await downloadBundle(page, bundle.name)
        expect(fs.statSync(file).size).toBe(bundle.bytes)
        // The bundle's signed URL, fetched here: an attachment named after the bundle, a ZIP of the same bytes.
        const jobId = (await page.getAttribute("[data-testid=download]", "data-job-id")) ?? ""
        const fetched = await page.evaluate(
          async ([sid, job, name]) => {
            const signed = (await (await fetch(`/api/sessions/${sid}/downloads/${job}/bundles/${name}/url`)).json()) as { url: string; variant: string }
            const zip = await fetch(signed.url)
            return { variant: signed.variant, status: zip.status, type: zip.headers.get("content-type"), disposition: zip.headers.get("content-disposition"), bytes: (await zip.arrayBuffer()).byteLength }
          },
          [flow.sessionId, jobId, bundle.name] as const
        )
        expect(fetched).toMatchObject({ variant: "bundle", status: 200, type: "application/zip", bytes: bundle.bytes })
        expect(fetched.disposition).toContain("attachment")
        expect(fetched.disposition).toContain(`${bundle.name}.zip`)
        const zip = await readZip(file)
        // Names: NN-<base name>.<ext>, in carousel order, as the page lists them; stored, not deflated.
        expect(zip.map((e) => e.name)).toEqual(bundle.entries)
        expect(zip.map((e) => e.name.replace(/\.[a-z0-9]+$/, ""))).toEqual(post.names.map((n, k) => `${String(k + 1).padStart(2, "0")}-${base(n)}`))
        expect(zip.every((e) => e.method === 0)).toBe(true)
        for (const [k, entry] of zip.entries()) {
          if (!/\.jpe?g$/.test(entry.name)) continue
          const gps = await exifr.gps(entry.bytes).catch(() => undefined)
          if (WITH_GPS.includes(post.names[k]!) && keepGps) expect(gps?.latitude, `${entry.name} should keep its GPS`).toBeTypeOf("number")
          else expect(gps?.latitude, `${entry.name} should have no GPS`).toBeUndefined()
        }
      }
    }
    await check(false)

    // A second download with "Keep GPS location in files".
    const firstJob = page.url()
    await page.check("[data-testid=keep-gps]")
    await page.click("[data-testid=start-download]")
    await page.waitForURL((u) => u.toString() !== firstJob && /\/download\/[a-z2-7]{26}$/.test(u.pathname))
    await finishedDownload(page)
    expect(await page.getAttribute("[data-testid=download]", "data-keep-gps")).toBe("true")
    await check(true)
    await page.close()
  }, 600_000)

  it("goes back from Caption to Review: confirms what is discarded, excludes an item in a post, and the post loses it", async () => {
    const [p1, p2] = flow.posts
    const removed = p1!.names[1]! // the Nikon photo, slide 2 of post 1
    const page = await openPage(`${server!.baseUrl}/s/${flow.sessionId}/caption/${p1!.postId}`)
    await page.waitForSelector("[data-testid=caption][data-status=complete]")
    // The Review pill goes back.
    await pill(page, "review").locator("a").click()
    await page.waitForURL(new RegExp(`/review/${SID}$`))
    await page.waitForSelector("[data-testid=confirmed]")
    await page.click("[data-testid=change-selection]")
    const dialog = page.locator("dialog[data-testid=reopen-dialog]")
    await dialog.waitFor()
    expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(true)
    const text = (await dialog.textContent()) ?? ""
    expect(text).toContain("Items you exclude are removed from their posts")
    expect(text).toContain("Captions of the posts that change must be written again")
    expect(text).toContain("The download must be built again")
    await shot(page, path.join(shots, "6-reopen-dialog.png"))
    // Cancel keeps everything; then really change it.
    await page.click("[data-testid=cancel-reopen]")
    await expect.poll(() => dialog.count()).toBe(0)
    await page.waitForSelector("[data-testid=confirmed]")
    await page.click("[data-testid=change-selection]")
    await page.click("[data-testid=confirm-reopen]")
    await expect.poll(() => page.locator("[data-testid=confirmed]").count()).toBe(0)
    await expect.poll(() => pill(page, "group").getAttribute("data-reached")).toBe("false")

    // Exclude the photo that is in post 1; the reopened review survives a reload.
    const tile = page.locator(`[data-testid=selected-item]:has(.tile-title:text-is("${removed}")), [data-testid=excluded-item]:has(.tile-title:text-is("${removed}"))`)
    await tile.locator("[data-testid=toggle]").click()
    await expect.poll(() => tile.locator("[data-testid=toggle]").getAttribute("aria-busy")).toBe("false")
    expect(await tile.locator("[data-testid=toggle]").getAttribute("aria-checked")).toBe("false")
    await page.reload()
    await page.waitForSelector("[data-testid=confirm]")
    await page.click("[data-testid=confirm]")
    await page.waitForSelector("[data-testid=confirmed]")
    await page.click("[data-testid=continue-posts]")
    await page.waitForURL(new RegExp(`/s/${SID}/group$`))
    await page.waitForSelector("[data-testid=post]")
    // Gone from its post and from the pool (it is no longer kept); the other post is untouched.
    expect(await postNames(page, 0)).toEqual(p1!.names.filter((n) => n !== removed))
    expect(await postNames(page, 1)).toEqual(p2!.names)
    expect(await page.locator(`[data-name="${removed}"]`).count()).toBe(0)
    expect(await page.locator("[data-testid=post-caption]").allTextContents()).toEqual(["Caption out of date", "Caption accepted"])
    await shot(page, path.join(shots, "7-group-after-reopen.png"))

    // The changed post's caption is stale with "Rewrite"; the untouched one keeps its accepted caption.
    await page.goto(`${server!.baseUrl}/s/${flow.sessionId}/caption/${p1!.postId}`)
    await page.waitForSelector("[data-testid=caption-stale]")
    await page.goto(`${server!.baseUrl}/s/${flow.sessionId}/caption/${p2!.postId}`)
    await page.waitForSelector("[data-testid=caption-accepted]")
    expect(await page.locator("[data-testid=caption-stale]").count()).toBe(0)
    // Rewrite the stale one: a new job, a caption for the post as it is now.
    await page.goto(`${server!.baseUrl}/s/${flow.sessionId}/caption/${p1!.postId}`)
    await page.click("[data-testid=rewrite]")
    await page.waitForFunction(() => {
      const c = document.querySelector("[data-testid=caption]")
      return c?.getAttribute("data-status") === "complete" && c.getAttribute("data-stale") === "false"
    }, null, { timeout: 120_000 })
    // The download is out of date, with "Build again".
    await pill(page, "download").locator("a").click()
    await page.waitForSelector("[data-testid=download-stale]")
    expect(await page.locator("[data-testid=download-stale] [data-testid=start-download]").textContent()).toContain("Build again")
    await shot(page, path.join(shots, "8-download-stale.png"))
    await page.close()
  }, 300_000)
})

describe("the walk under the Content-Security-Policy", () => {
  it("reported no CSP violation in any page (group drag and drop, captions, clipboard, downloads, reopen dialog)", () => {
    expect(cspViolations).toEqual([])
  })
})
