import { runTest } from "@curator/contracts/testing"
import { Effect } from "effect"
import sharp from "sharp"
import { describe, expect, it } from "vitest"
import { renderHtmlReport, renderPostsSheet, type ReportPost, thumbnailHref } from "../../src/report/index.js"
import { FILES, HOSTILE_NAME, makeReportInput } from "./reportFixture.js"

const POSTS: ReadonlyArray<ReportPost> = [
  {
    label: "Harbour at dawn",
    fileIds: [FILES.dawn.fileId, FILES.boats.fileId],
    caption: "Sunrise over the harbour, boats heading out. 📸",
    captionError: null,
    hashtags: ["Marseille", "Harbour"],
    locationTag: "Marseille, France",
    model: "offline",
    bundles: [{ name: "01-harbour-at-dawn", href: "bundles/01-harbour-at-dawn.zip", bytes: 2_500_000 }]
  },
  {
    label: `Old town ${HOSTILE_NAME}`,
    fileIds: [FILES.street.fileId],
    caption: null,
    captionError: "the caption job failed",
    hashtags: [],
    locationTag: null,
    model: null,
    bundles: []
  }
]

/** Mean RGB of a region of a decoded JPEG. */
const meanRgb = async (jpeg: Uint8Array, left: number, top: number, size: number) => {
  const { data, info } = await sharp(jpeg).extract({ left, top, width: size, height: size }).raw().toBuffer({ resolveWithObject: true })
  const sum = [0, 0, 0]
  for (let i = 0; i < data.length; i += info.channels) for (let c = 0; c < 3; c++) sum[c]! += data[i + c]!
  return sum.map((s) => s / (data.length / info.channels))
}

describe("renderPostsSheet", () => {
  it("draws each post's thumbnails in carousel order in one row (1800 px wide JPEG)", () =>
    runTest(
      Effect.gen(function* () {
        const input = yield* Effect.promise(makeReportInput)
        const jpeg = yield* renderPostsSheet({ title: "Marseille — posts", posts: POSTS, items: input.items })
        const meta = yield* Effect.promise(() => sharp(jpeg).metadata())
        expect(meta.format).toBe("jpeg")
        expect(meta.width).toBe(1800)
        // First post's tiles: 160 px wells at x = 40 and 212, y = 110 + 58 + 8; sample their lower middle (clear of the badge).
        const first = yield* Effect.promise(() => meanRgb(jpeg, 40 + 60, 176 + 100, 30))
        const second = yield* Effect.promise(() => meanRgb(jpeg, 212 + 60, 176 + 100, 30))
        // dawn is red, boats green (contained: the well's centre is the thumbnail's colour)
        expect(first[0]!).toBeGreaterThan(150)
        expect(first[1]!).toBeLessThan(90)
        expect(second[1]!).toBeGreaterThan(120)
        expect(second[0]!).toBeLessThan(90)
      })
    ))
})

describe("renderHtmlReport with posts", () => {
  it("adds a Posts section: thumbnails in carousel order, caption, hashtags, location, ZIP links; a failed caption says so; all escaped", async () => {
    const input = await makeReportInput()
    const html = renderHtmlReport({ ...input, posts: POSTS }, { thumbnailHref })
    expect(html).toContain("<h2>Posts</h2>")
    const posts = html.slice(html.indexOf("<h2>Posts</h2>"), html.indexOf("</section>", html.indexOf("<h2>Posts</h2>")))
    const dawn = posts.indexOf(thumbnailHref(FILES.dawn.fileId))
    const boats = posts.indexOf(thumbnailHref(FILES.boats.fileId))
    expect(dawn).toBeGreaterThan(0)
    expect(boats).toBeGreaterThan(dawn)
    expect(posts).toContain("Sunrise over the harbour, boats heading out.")
    expect(posts).toContain("#Marseille #Harbour")
    expect(posts).toContain("Marseille, France")
    expect(posts).toContain(`href="bundles/01-harbour-at-dawn.zip"`)
    expect(posts).toContain("2.5 MB")
    expect(posts).toContain("No caption: the caption job failed")
    expect(posts).not.toContain(HOSTILE_NAME)
    // without posts (a selection-only run) there is no such section
    expect(renderHtmlReport(input, { thumbnailHref })).not.toContain("<h2>Posts</h2>")
  })
})
