/**
 * The API Lambda entry end to end through its cold start, against local
 * stand-ins: an SSM stand-in (awsJson1_1 `AmazonSSM.GetParameter`) holding
 * the origin-verify secret, DynamoDB = dynalite, Step Functions = the
 * orchestration lib's stand-in; S3 is not called by these routes (its
 * endpoint points at a closed port). The Cognito verifier is a real
 * `CognitoJwtVerifier`'s stand-in here only where a token is needed
 * (LambdaAdapter.test.ts covers the real verifier).
 */
import type { AddressInfo } from "node:net"
import { DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { type SfnStandIn, startSfnStandIn } from "@curator/orchestration/sfn-testing"
import { type SsmStandIn, startSsmStandIn } from "@curator/store/aws-testing"
import { ensureTable } from "@curator/store/local"
import type { APIGatewayProxyEventV2 } from "aws-lambda"
import dynalite from "dynalite"
import { Effect } from "effect"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { makeHandler } from "../src/lambda.js"
import type { TokenVerifier } from "../src/LambdaAdapter.js"

const SECRET = "origin-secret-0123456789abcdef0123456789"
const PARAMETER = "/curator/test/origin-verify"
const TABLE = "curator-test"
const SELECTION = "arn:aws:states:eu-west-1:123456789012:stateMachine:curator-selection"
const ENHANCEMENT = "arn:aws:states:eu-west-1:123456789012:stateMachine:curator-enhancement"
const CAPTION = "arn:aws:states:eu-west-1:123456789012:stateMachine:curator-caption"
const DOWNLOAD = "arn:aws:states:eu-west-1:123456789012:stateMachine:curator-download"

let ssm: SsmStandIn
let sfn: SfnStandIn
let dynamo: { close: (cb: () => void) => void }
let dynamoEndpoint: string
const savedEnv = { ...process.env }

beforeAll(async () => {
  // The SDK clients take credentials from the default chain (process.env), as on a stand-in run.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" })
  ssm = await startSsmStandIn()
  sfn = await startSfnStandIn({ stateMachineArns: [SELECTION, ENHANCEMENT, CAPTION, DOWNLOAD] })
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()))
  dynamo = server
  dynamoEndpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const client = new DynamoDBClient({ region: "eu-west-1", endpoint: dynamoEndpoint, credentials: { accessKeyId: "test", secretAccessKey: "test" } })
  await Effect.runPromise(ensureTable(client, TABLE))
  client.destroy()
})

afterAll(async () => {
  await ssm.close()
  await sfn.close()
  await new Promise<void>((resolve) => dynamo.close(() => resolve()))
  for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key]
  Object.assign(process.env, savedEnv)
})

afterEach(() => {
  ssm.parameters.clear()
  ssm.requests.length = 0
})

const env = () => ({
  AWS_REGION: "eu-west-1",
  CURATOR_BUCKET: "curator-media",
  CURATOR_TABLE: TABLE,
  CURATOR_SELECTION_STATE_MACHINE_ARN: SELECTION,
  CURATOR_ENHANCEMENT_STATE_MACHINE_ARN: ENHANCEMENT,
  CURATOR_CAPTION_STATE_MACHINE_ARN: CAPTION,
  CURATOR_DOWNLOAD_STATE_MACHINE_ARN: DOWNLOAD,
  CURATOR_ORIGIN_VERIFY_PARAMETER: PARAMETER,
  CURATOR_COGNITO_USER_POOL_ID: "eu-west-1_CuratorT1",
  CURATOR_COGNITO_CLIENT_ID: "curatorwebclient0000000001",
  CURATOR_S3_ENDPOINT: "http://127.0.0.1:9",
  CURATOR_DYNAMODB_ENDPOINT: dynamoEndpoint,
  CURATOR_SFN_ENDPOINT: sfn.endpoint,
  CURATOR_SSM_ENDPOINT: ssm.endpoint
})

/** Accepts exactly the token "good" (the real Cognito verifier is exercised in LambdaAdapter.test.ts). */
const verifier: TokenVerifier = { verify: (token) => (token === "good" ? Promise.resolve({ sub: "u" }) : Promise.reject(new Error("invalid token"))) }

const event = (method: string, rawPath: string, headers: Record<string, string>, body?: string): APIGatewayProxyEventV2 => ({
  version: "2.0",
  routeKey: "$default",
  rawPath,
  rawQueryString: "",
  headers,
  requestContext: {
    accountId: "123456789012",
    apiId: "api1",
    domainName: "api1.execute-api.eu-west-1.amazonaws.com",
    domainPrefix: "api1",
    http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: "203.0.113.1", userAgent: "vitest" },
    requestId: "req-1",
    routeKey: "$default",
    stage: "$default",
    time: "30/Nov/2026:12:00:00 +0000",
    timeEpoch: 1_800_000_000_000
  },
  ...(body === undefined ? {} : { body }),
  isBase64Encoded: false
})

describe("api lambda entry", () => {
  it("reads the origin secret once from SSM (WithDecryption) and serves health without a token", async () => {
    ssm.parameters.set(PARAMETER, SECRET)
    const handler = makeHandler({ env: env() })
    const health = await handler(event("GET", "/api/health", { "x-origin-verify": SECRET }))
    expect(health.statusCode).toBe(200)
    expect(JSON.parse(health.body ?? "")).toEqual({ status: "ok" })
    const forbidden = await handler(event("GET", "/api/health", { "x-origin-verify": "wrong" }))
    expect(forbidden.statusCode).toBe(403)
    const unauthorised = await handler(event("POST", "/api/sessions", { "x-origin-verify": SECRET }, "{}"))
    expect(unauthorised.statusCode).toBe(401)
    expect(ssm.requests).toEqual([{ target: "AmazonSSM.GetParameter", json: { Name: PARAMETER, WithDecryption: true } }])
  })

  it("runs the API on the AWS services: a session is written to DynamoDB and read back (with the PostStore's fields)", async () => {
    ssm.parameters.set(PARAMETER, SECRET)
    const handler = makeHandler({ env: env(), verifier })
    const headers = { "x-origin-verify": SECRET, authorization: "Bearer good", "content-type": "application/json" }
    const created = await handler(event("POST", "/api/sessions", headers, JSON.stringify({ tripContext: "Kyoto" })))
    expect(created.statusCode).toBe(200)
    const { sessionId } = JSON.parse(created.body ?? "")
    const state = await handler(event("GET", `/api/sessions/${sessionId}`, headers))
    expect(state.statusCode).toBe(200)
    expect(JSON.parse(state.body ?? "")).toMatchObject({ session: { tripContext: "Kyoto" }, generation: 0, postCount: 0, download: null })
    expect((await handler(event("GET", `/api/sessions/${sessionId}`, { ...headers, authorization: "Bearer bad" }))).statusCode).toBe(401)
  })

  it("a failed cold start answers 500 and is retried on the next invocation", async () => {
    const handler = makeHandler({ env: env(), verifier })
    const failed = await handler(event("GET", "/api/health", { "x-origin-verify": SECRET }))
    expect(failed.statusCode).toBe(500)
    expect(JSON.parse(failed.body ?? "").error.tag).toBe("InternalDefectError")
    ssm.parameters.set(PARAMETER, SECRET)
    expect((await handler(event("GET", "/api/health", { "x-origin-verify": SECRET }))).statusCode).toBe(200)
    expect(ssm.requests).toHaveLength(2)
  })

  it("a missing variable fails the cold start with 500", async () => {
    ssm.parameters.set(PARAMETER, SECRET)
    const { CURATOR_TABLE: _, ...withoutTable } = env()
    const handler = makeHandler({ env: withoutTable, verifier })
    const result = await handler(event("GET", "/api/health", { "x-origin-verify": SECRET }))
    expect(result.statusCode).toBe(500)
  })
})
