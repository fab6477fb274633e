/**
 * The Lambda entry's cold start against the SSM stand-in: with CURATOR_GEMINI_KEY_PARAMETER the
 * Gemini key is read once (WithDecryption) and the Gemini layer is chosen; a missing parameter fails
 * the invocation with InternalDefectError naming it and the next invocation tries again; without
 * the variable SSM is never called (offline). The stores point at closed ports: an invalid event is
 * rejected after the cold start, before any store call.
 */
import { type GeminiStandIn, startGeminiStandIn } from "@curator/ai/gemini-testing"
import { type SsmStandIn, startSsmStandIn } from "@curator/store/aws-testing"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { makeLambdaHandler } from "../src/lambda.js"

const PARAMETER = "/curator/test/gemini-key"
let ssm: SsmStandIn
let gemini: GeminiStandIn
const savedEnv = { ...process.env }

beforeAll(async () => {
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" })
  ssm = await startSsmStandIn()
  gemini = await startGeminiStandIn()
})
afterAll(async () => {
  await ssm.close()
  await gemini.close()
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key]
  Object.assign(process.env, savedEnv)
})
afterEach(() => {
  ssm.parameters.clear()
  ssm.requests.length = 0
})

const env = (extra: Record<string, string> = {}) => ({
  AWS_REGION: "eu-west-1",
  CURATOR_BUCKET: "curator-media",
  CURATOR_TABLE: "curator-test",
  CURATOR_S3_ENDPOINT: "http://127.0.0.1:9",
  CURATOR_DYNAMODB_ENDPOINT: "http://127.0.0.1:9",
  CURATOR_SSM_ENDPOINT: ssm.endpoint,
  CURATOR_GEMINI_BASE_URL: gemini.baseUrl,
  ...extra
})
const rejection = async (p: Promise<unknown>): Promise<Error> => {
  const outcome = await p.then(() => undefined, (e: unknown) => e)
  expect(outcome).toBeInstanceOf(Error)
  return outcome as Error
}

describe("video-worker lambda entry", () => {
  it("stays offline without the parameter variable, never calling SSM", async () => {
    const handler = makeLambdaHandler({ env: env({ GEMINI_API_KEY: "ignored" }) })
    expect((await rejection(handler({}))).name).toBe("InvalidInputError")
    expect(ssm.requests).toEqual([])
  })

  it("reads the key from SSM once per cold start; a missing parameter fails clearly and is tried again", async () => {
    const handler = makeLambdaHandler({ env: env({ CURATOR_GEMINI_KEY_PARAMETER: PARAMETER }) })
    const missing = await rejection(handler({}))
    expect(missing.name).toBe("InternalDefectError")
    expect(missing.message).toContain("video-worker could not start: could not read the Gemini key")
    expect(missing.message).toContain(PARAMETER)
    ssm.parameters.set(PARAMETER, "gemini-key-0123")
    expect((await rejection(handler({}))).name).toBe("InvalidInputError")
    expect((await rejection(handler({ sessionId: 1 }))).name).toBe("InvalidInputError")
    const get = { target: "AmazonSSM.GetParameter", json: { Name: PARAMETER, WithDecryption: true } }
    expect(ssm.requests).toEqual([get, get])
  })

  it("checks every configured model with models.get at cold start: a retired one fails the start naming the model and its variable", async () => {
    ssm.parameters.set(PARAMETER, "gemini-key-0123")
    const handler = makeLambdaHandler({ env: env({ CURATOR_GEMINI_KEY_PARAMETER: PARAMETER, CURATOR_GEMINI_MODEL_VIDEO_ANALYSIS: "gemini-2.5-flash" }) })
    const retired = await rejection(handler({}))
    expect(retired.name).toBe("InternalDefectError")
    expect(retired.message).toContain("video-worker could not start: ")
    expect(retired.message).toContain("gemini-2.5-flash (CURATOR_GEMINI_MODEL_VIDEO_ANALYSIS) is unknown or no longer served")
    expect(gemini.requests.some((r) => r.method === "GET" && r.path === "/v1beta/models/gemini-2.5-flash")).toBe(true)
  })
})
