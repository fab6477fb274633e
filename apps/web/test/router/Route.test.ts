import { describe, expect, it } from "vitest"
import { parseRoute, type Route, routePath, sessionOf } from "../../src/router/Route.js"

const SESSION = "abcdefghijklmnopqrstuvwxyz"
const JOB = "234567abcdefghijklmnopqrst"

describe("Route", () => {
  it("reads every step's URL and writes it back unchanged", () => {
    const routes: Array<Route> = [
      { step: "start" },
      { step: "upload", sessionId: SESSION },
      { step: "select", sessionId: SESSION, jobId: JOB },
      { step: "review", sessionId: SESSION, jobId: JOB },
      { step: "enhance", sessionId: SESSION, jobId: JOB },
      { step: "group", sessionId: SESSION },
      { step: "caption", sessionId: SESSION, postId: null },
      { step: "caption", sessionId: SESSION, postId: JOB },
      { step: "download", sessionId: SESSION, jobId: null },
      { step: "download", sessionId: SESSION, jobId: JOB }
    ]
    for (const r of routes) expect(parseRoute(routePath(r))).toEqual(r)
    expect(routePath({ step: "review", sessionId: SESSION, jobId: JOB })).toBe(`/s/${SESSION}/review/${JOB}`)
    expect(routePath({ step: "enhance", sessionId: SESSION, jobId: JOB })).toBe(`/s/${SESSION}/enhance/${JOB}`)
    expect(parseRoute(`/s/${SESSION}/enhance/${JOB}/`)).toEqual({ step: "enhance", sessionId: SESSION, jobId: JOB })
    expect(routePath({ step: "group", sessionId: SESSION })).toBe(`/s/${SESSION}/group`)
    expect(routePath({ step: "caption", sessionId: SESSION, postId: JOB })).toBe(`/s/${SESSION}/caption/${JOB}`)
    expect(routePath({ step: "download", sessionId: SESSION, jobId: null })).toBe(`/s/${SESSION}/download`)
    expect(sessionOf({ step: "download", sessionId: SESSION, jobId: JOB })).toBe(SESSION)
    expect(sessionOf({ step: "start" })).toBeNull()
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
      `/s/${SESSION}/enhanced/${JOB}`,
      `/s/${SESSION}/group/${JOB}`,
      `/s/${SESSION}/caption/${JOB}/${JOB}`,
      `/s/${SESSION}/caption/a.b`,
      `/s/${SESSION}/download/${JOB}/x`
    ]) {
      expect(parseRoute(path)).toEqual({ step: "notFound", path })
    }
  })
})
