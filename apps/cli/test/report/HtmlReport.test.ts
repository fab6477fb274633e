import { describe, expect, it } from "vitest"
import { renderHtmlReport, thumbnailHref } from "../../src/report/index.js"
import { FAILED, FILES, HOSTILE_NAME, makeReportInput } from "./reportFixture.js"

const escapeHtml = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;")

describe("renderHtmlReport", () => {
  it("names every file, with picks in rank order, exclusions with their reasons and the failed file with its error", async () => {
    const html = renderHtmlReport(await makeReportInput(), { thumbnailHref })
    for (const f of [...Object.values(FILES), FAILED]) expect(html).toContain(escapeHtml(f.fileName))
    const order = [FILES.dawn, FILES.boats, FILES.dawnAgain, FILES.street, FILES.blurry, FAILED].map((f) => html.indexOf(`id="file-${f.fileId}"`))
    expect(order.every((i) => i > 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    expect(html).toContain("Near-duplicate of IMG_0001 (perceptual hash distance 3), less sharp.")
    expect(html).toContain(`Duplicate of <a href="#file-${FILES.dawn.fileId}">${FILES.dawn.fileName}</a>`)
    expect(html).toContain(FAILED.tag)
    expect(html).toContain(FAILED.message)
    expect(html).toContain("Beats IMG_0002 on sharpness")
  })

  it("escapes a hostile file name and carries no script", async () => {
    const html = renderHtmlReport(await makeReportInput(), { thumbnailHref })
    expect(html).not.toContain(HOSTILE_NAME)
    expect(html).not.toContain("<img src=x")
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;.jpg")
    expect(html).not.toMatch(/<script/i)
    expect(html).toContain("script-src 'none'")
  })

  it("references a thumbnail for every processed file and none for the failed one", async () => {
    const html = renderHtmlReport(await makeReportInput(), { thumbnailHref })
    for (const f of Object.values(FILES)) expect(html).toContain(`src="thumbs/${f.fileId}.jpg"`)
    expect(html).not.toContain(`thumbs/${FAILED.fileId}`)
    expect(html).toContain("could not be processed")
    // Self-contained: no external stylesheet, font or image.
    expect(html).not.toMatch(/<link|https?:\/\/|@import/i)
  })
})
