/**
 * The Lambda entry's cold start against a tiny SSM stand-in (awsJson1_1
 * `AmazonSSM.GetParameter`): with CURATOR_GEMINI_KEY_PARAMETER the Gemini key
 * is read once (WithDecryption) and the Gemini settings are built with it; a
 * missing parameter fails the invocation clearly (never a silent offline
 * fallback) and the next invocation tries again; without the variable SSM is
 * never called. The stores point at closed ports: building them does no I/O,
 * and an invalid event is rejected after the cold start, before any store call.
 */
import { DEFAULT_MODELS } from "@curator/ai"
import { type GeminiStandIn, startGeminiStandIn } from "@curator/ai/gemini-testing"
import { type SsmStandIn, startSsmStandIn } from "@curator/store/aws-testing"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { makeLambdaHandler, readGeminiConfig } from "../src/lambda.js"

const PARAMETER = "/curator/test/gemini-key"
const KEY = "gemini-key-0123456789"

let ssm: SsmStandIn
let gemini: GeminiStandIn
const savedEnv = { ...process.env }

beforeAll(async () => {
  // The SDK clients take credentials from the default chain (process.env), as on a stand-in run.
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

const getParameter = { target: "AmazonSSM.GetParameter", json: { Name: PARAMETER, WithDecryption: true } }

describe("selection-worker lambda entry", () => {
  it("reads the Gemini key from SSM (WithDecryption) with the models from the environment", async () => {
    ssm.parameters.set(PARAMETER, KEY)
    const config = await readGeminiConfig(env({ CURATOR_GEMINI_KEY_PARAMETER: PARAMETER, CURATOR_GEMINI_MODEL_SELECTION: "gemini-test", GEMINI_API_KEY: "ignored" }))
    expect([config?.apiKey, config?.models.selection, config?.baseUrl]).toEqual([KEY, "gemini-test", gemini.baseUrl])
    expect(ssm.requests).toEqual([getParameter])
    const defaults = await readGeminiConfig(env({ CURATOR_GEMINI_KEY_PARAMETER: PARAMETER }))
    expect(defaults?.models).toEqual(DEFAULT_MODELS)
  })

  it("stays offline without the parameter variable, never calling SSM (a GEMINI_API_KEY is ignored on AWS)", async () => {
    expect(await readGeminiConfig(env({ GEMINI_API_KEY: "k" }))).toBeNull()
    expect(await readGeminiConfig(env({ CURATOR_GEMINI_KEY_PARAMETER: "  " }))).toBeNull()
    const handler = makeLambdaHandler({ env: env() })
    expect((await rejection(handler({}))).name).toBe("InvalidInputError")
    expect(ssm.requests).toEqual([])
  })

  it("reads the key once per cold start: warm invocations reuse it", async () => {
    ssm.parameters.set(PARAMETER, KEY)
    const handler = makeLambdaHandler({ env: env({ CURATOR_GEMINI_KEY_PARAMETER: PARAMETER }) })
    expect((await rejection(handler({}))).name).toBe("InvalidInputError")
    expect((await rejection(handler({ sessionId: 1 }))).name).toBe("InvalidInputError")
    expect(ssm.requests).toEqual([getParameter])
  })

  it("fails the cold start clearly when the parameter is missing or empty, and tries again on the next invocation", async () => {
    const handler = makeLambdaHandler({ env: env({ CURATOR_GEMINI_KEY_PARAMETER: PARAMETER }) })
    const missing = await rejection(handler({}))
    expect(missing.name).toBe("InternalDefectError")
    expect(missing.message).toContain(`could not read the Gemini key: could not read SSM parameter ${PARAMETER}`)
    expect(missing.message).toContain("ParameterNotFound")
    ssm.parameters.set(PARAMETER, " ")
    const empty = await rejection(handler({}))
    expect([empty.name, empty.message]).toEqual(["InternalDefectError", `selection-worker could not start: could not read the Gemini key: SSM parameter ${PARAMETER} is empty`])
    ssm.parameters.set(PARAMETER, KEY)
    expect((await rejection(handler({}))).name).toBe("InvalidInputError")
    expect(ssm.requests).toEqual([getParameter, getParameter, getParameter])
  })

  it("checks every configured model with models.get at cold start: a retired one fails the start naming the model and its variable", async () => {
    ssm.parameters.set(PARAMETER, KEY)
    gemini.reset()
    const ok = makeLambdaHandler({ env: env({ CURATOR_GEMINI_KEY_PARAMETER: PARAMETER }) })
    expect((await rejection(ok({}))).name).toBe("InvalidInputError")
    expect(gemini.requests.filter((r) => r.method === "GET").map((r) => r.path).sort()).toEqual([...new Set(Object.values(DEFAULT_MODELS))].map((m) => `/v1beta/models/${m}`).sort())
    const handler = makeLambdaHandler({ env: env({ CURATOR_GEMINI_KEY_PARAMETER: PARAMETER, CURATOR_GEMINI_MODEL_SELECTION: "gemini-2.5-flash" }) })
    const retired = await rejection(handler({}))
    expect(retired.name).toBe("InternalDefectError")
    expect(retired.message).toContain("selection-worker could not start: ")
    expect(retired.message).toContain("gemini-2.5-flash (CURATOR_GEMINI_MODEL_SELECTION) is unknown or no longer served")
  })
})
