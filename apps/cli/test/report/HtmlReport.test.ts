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

  it("not every input is accounted for: lists the inputs not taken in with their status, escaped", async () => {
    const input = {
      ...(await makeReportInput()),
      skipped: [
        { fileName: "<b>chart</b>.svg", status: "skipped: unsupported type", reason: "not a photo or video (.svg)" },
        { fileName: "link.jpg", status: "skipped: symlink", reason: "a symbolic link" }
      ] as const
    }
    const html = renderHtmlReport(input, { thumbnailHref })
    expect(html).toContain("<h2>Not taken in</h2>")
    expect(html).toContain("&lt;b&gt;chart&lt;/b&gt;.svg")
    expect(html).toContain("skipped: unsupported type")
    expect(html).toContain("link.jpg")
    expect(html).toContain("skipped: symlink")
    expect(html).not.toContain("<b>chart")
  })

  it("shows a video's UTC-only capture time as UTC and an offset-bearing one with its offset", async () => {
    const base = await makeReportInput()
    const [first, second, ...rest] = base.items
    const withTime = (item: typeof first, captureTime: NonNullable<NonNullable<typeof first>["item"]>["captureTime"]) =>
      item === undefined || item.item === null ? item! : { ...item, item: { ...item.item, captureTime } }
    const input = {
      ...base,
      items: [
        withTime(first, { local: "2020-11-20T14:04:02", offsetMinutes: null, utc: "2020-11-20T14:04:02Z", source: "container" }),
        withTime(second, { local: "2020-11-20T15:04:02", offsetMinutes: 60, utc: "2020-11-20T14:04:02Z", source: "quicktime" }),
        ...rest
      ]
    }
    const html = renderHtmlReport(input, { thumbnailHref })
    expect(html).toContain("2020-11-20 14:04 UTC")
    expect(html).toContain("2020-11-20 15:04 +01:00")
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
