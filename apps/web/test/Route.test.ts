import { describe, expect, it } from "vitest"
import { parseRoute, type Route, routePath } from "../src/Route.js"

const SESSION = "abcdefghijklmnopqrstuvwxyz"
const JOB = "234567abcdefghijklmnopqrst"

describe("Route", () => {
  it("reads every step's URL and writes it back unchanged", () => {
    const routes: Array<Route> = [
      { step: "start" },
      { step: "upload", sessionId: SESSION },
      { step: "select", sessionId: SESSION, jobId: JOB },
      { step: "review", sessionId: SESSION, jobId: JOB },
      { step: "enhance", sessionId: SESSION, jobId: JOB }
    ]
    for (const r of routes) expect(parseRoute(routePath(r))).toEqual(r)
    expect(routePath({ step: "review", sessionId: SESSION, jobId: JOB })).toBe(`/s/${SESSION}/review/${JOB}`)
    expect(routePath({ step: "enhance", sessionId: SESSION, jobId: JOB })).toBe(`/s/${SESSION}/enhance/${JOB}`)
    expect(parseRoute(`/s/${SESSION}/enhance/${JOB}/`)).toEqual({ step: "enhance", sessionId: SESSION, jobId: JOB })
  })

  it("tolerates a trailing slash", () => {
    expect(parseRoute(`/s/${SESSION}/upload/`)).toEqual({ step: "upload", sessionId: SESSION })
  })

  it("refuses unknown steps, missing or extra segments and ids with other characters", () => {
    for (const path of [
      "/s",
      `/s/${SESSION}`,
      `/s/${SESSION}/select`,
      `/s/${SESSION}/upload/${JOB}`,
      `/s/${SESSION}/review/${JOB}/extra`,
      `/x/${SESSION}/upload`,
      `/s/..%2F/upload`,
      `/s/${SESSION}/review/a.b`,
      `/s/${SESSION}/enhance`,
      `/s/${SESSION}/enhance/${JOB}/${JOB}`,
      `/s/${SESSION}/enhance/a%20b`,
      `/s/${SESSION}/enhanced/${JOB}`
    ]) {
      expect(parseRoute(path)).toEqual({ step: "notFound", path })
    }
  })
})
