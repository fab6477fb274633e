/**
 * Declared API errors as the steps see them: the generated client decodes the
 * server's `{ error: { tag, message } }` and `call` rejects with an
 * ApiFailure carrying the HTTP status (the Group step reloads on 409, the
 * caption and download steps show the message). Against a real node:http server.
 */
import http from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { ApiFailure, call, failureText } from "../../src/api/ApiClient.js"
import { localAuth, setAuth } from "../../src/api/Auth.js"

const SESSION = "abcdefghijklmnopqrstuvwxyz"
const POST = "bcdefghijklmnopqrstuvwxyza"
let server: http.Server

/** 409 for a post update, 400 for a post creation, 404 for a caption status. */
const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
  const answer = (status: number, tag: string, message: string) => {
    res.writeHead(status, { "content-type": "application/json" })
    res.end(JSON.stringify({ error: { tag, message } }))
  }
  req.resume()
  if (req.method === "PUT") return answer(409, "StoreConflictError", `post ${POST} changed meanwhile: it is at revision 5, not 4; reload and try again`)
  if (req.method === "POST") return answer(400, "InvalidInputError", "a post holds at most 20 items")
  return answer(404, "NotFoundError", "caption job not found")
}

beforeAll(async () => {
  server = http.createServer(handle)
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  Object.defineProperty(globalThis, "location", { value: new URL(`${origin}/s/${SESSION}/group`), configurable: true })
  setAuth(localAuth)
})

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
})

const failureOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e
  )

describe("declared API errors", () => {
  it("a 409 from a post update is an ApiFailure with status 409, the server's tag and message", async () => {
    const failure = await failureOf(call((api) => api.posts.update({ params: { sessionId: SESSION, postId: POST }, payload: { label: "", fileIds: [], revision: 4 } })))
    expect(failure).toBeInstanceOf(ApiFailure)
    expect(failure).toMatchObject({ status: 409, tag: "StoreConflictError", message: expect.stringContaining("changed meanwhile") })
  })

  it("a 400 and a 404 keep their status too", async () => {
    expect(await failureOf(call((api) => api.posts.create({ params: { sessionId: SESSION }, payload: {} })))).toMatchObject({ status: 400, tag: "InvalidInputError" })
    expect(await failureOf(call((api) => api.captions.status({ params: { sessionId: SESSION, jobId: POST } })))).toMatchObject({ status: 404, tag: "NotFoundError" })
  })

  it("failureText: an API refusal reads with its status and tag, anything else as its message", async () => {
    const failure = await failureOf(call((api) => api.posts.create({ params: { sessionId: SESSION }, payload: {} })))
    expect(failureText(failure)).toBe("a post holds at most 20 items (400 InvalidInputError)")
    expect(failureText(new ApiFailure(0, "NetworkError", "Curator is not reachable."))).toBe("Curator is not reachable.")
    expect(failureText(new Error("boom"))).toBe("boom")
  })
})
