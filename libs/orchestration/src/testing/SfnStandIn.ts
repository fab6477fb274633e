/**
 * A local stand-in for AWS Step Functions for tests (entry point
 * `@curator/orchestration/sfn-testing`): an HTTP server on 127.0.0.1 that
 * speaks the Step Functions JSON protocol (awsJson1_0: `POST /`,
 * `X-Amz-Target: AWSStepFunctions.<Operation>`, `Content-Type:
 * application/x-amz-json-1.0`; errors are HTTP 400 with
 * `{"__type":"<Name>","message":...}`) for the two operations the
 * orchestrator uses, `StartExecution` and `DescribeExecution`. Executions are
 * kept in memory with Standard-workflow naming semantics
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html):
 * a repeated start of a RUNNING execution with byte-identical input returns
 * the same `executionArn`; a different input, or a name whose execution has
 * closed, is `ExecutionAlreadyExists`. Executions never progress on their
 * own: the test sets their status. Not for production; no signature checks.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

/** Execution statuses of `DescribeExecution`. */
export type StandInStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED" | "PENDING_REDRIVE"

/** One execution held by the stand-in. */
export interface StandInExecution {
  readonly executionArn: string
  readonly stateMachineArn: string
  readonly name: string
  /** The `input` string exactly as received. */
  readonly input: string
  readonly startDate: number
  status: StandInStatus
  error?: string | undefined
  cause?: string | undefined
}

/** One request the stand-in received. */
export interface StandInRequest {
  /** `X-Amz-Target` header, e.g. `AWSStepFunctions.StartExecution`. */
  readonly target: string
  readonly contentType: string
  /** The raw request body. */
  readonly body: string
  /** `body` parsed as JSON (undefined if it is not JSON). */
  readonly json: any
}

/** A scripted failure answered instead of the next request(s). */
export interface StandInFailure {
  /** HTTP status, e.g. 400 (throttling is a 400 in this protocol) or 500/503. */
  readonly status: number
  /** `__type`, e.g. `ThrottlingException`, `ServiceUnavailable`. */
  readonly type: string
  readonly message?: string
}

/** A running stand-in. */
export interface SfnStandIn {
  /** `http://127.0.0.1:<port>`: the client's `endpoint`. */
  readonly endpoint: string
  /** Every request received, in order. */
  readonly requests: Array<StandInRequest>
  /** Executions by execution ARN. */
  readonly executions: Map<string, StandInExecution>
  /** Sets the status (and error/cause) of the execution `name` of `stateMachineArn`; throws if there is none. */
  readonly setStatus: (stateMachineArn: string, name: string, status: StandInStatus, details?: { error?: string; cause?: string }) => void
  /** Answers the next `count` requests with `failure` (for throttling / 5xx tests). */
  readonly failNext: (count: number, failure: StandInFailure) => void
  /** Stops the server. */
  readonly close: () => Promise<void>
}

/** Options of {@link startSfnStandIn}. */
export interface SfnStandInOptions {
  /** State machines that exist; a start on any other ARN is `StateMachineDoesNotExist`. Omitted: every well-formed ARN exists. */
  readonly stateMachineArns?: ReadonlyArray<string>
}

const NAME = /^[A-Za-z0-9_-]{1,80}$/
const MACHINE_ARN = /^arn:([a-z-]+):states:([a-z0-9-]+):([0-9]{12}):stateMachine:([A-Za-z0-9_-]{1,80})$/

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400
  ) {
    super(message)
  }
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    req.on("error", reject)
  })

const send = (res: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body)
  res.writeHead(status, { "content-type": "application/x-amz-json-1.0", "content-length": Buffer.byteLength(text), "x-amzn-requestid": "stand-in" })
  res.end(text)
}

const executionArnOf = (stateMachineArn: string, name: string) => {
  const m = MACHINE_ARN.exec(stateMachineArn)
  if (m === null) throw new ApiError("InvalidArn", `Invalid Arn: '${stateMachineArn}'`)
  return `arn:${m[1]}:states:${m[2]}:${m[3]}:execution:${m[4]}:${name}`
}

/** Starts a stand-in on a free port of 127.0.0.1. */
export const startSfnStandIn = async (options: SfnStandInOptions = {}): Promise<SfnStandIn> => {
  const requests: Array<StandInRequest> = []
  const executions = new Map<string, StandInExecution>()
  const failures: Array<StandInFailure> = []
  const machines = options.stateMachineArns === undefined ? undefined : new Set(options.stateMachineArns)

  const startExecution = (json: any) => {
    const { stateMachineArn, name, input } = json ?? {}
    if (typeof stateMachineArn !== "string") throw new ApiError("ValidationException", "stateMachineArn is required")
    const executionArn = executionArnOf(stateMachineArn, typeof name === "string" ? name : "")
    if (machines !== undefined && !machines.has(stateMachineArn)) throw new ApiError("StateMachineDoesNotExist", `State Machine Does Not Exist: '${stateMachineArn}'`)
    if (typeof name !== "string" || !NAME.test(name)) throw new ApiError("InvalidName", `Invalid Name: '${String(name)}'`)
    const inputText = typeof input === "string" ? input : "{}"
    try {
      JSON.parse(inputText)
    } catch {
      throw new ApiError("InvalidExecutionInput", "Invalid State Machine Execution Input: not JSON")
    }
    const existing = executions.get(executionArn)
    if (existing !== undefined) {
      // Standard workflows: idempotent only while RUNNING and with byte-identical input.
      if (existing.status === "RUNNING" && existing.input === inputText) return { executionArn, startDate: existing.startDate }
      throw new ApiError(
        "ExecutionAlreadyExists",
        existing.status === "RUNNING" ? `Execution Already Exists: '${executionArn}' (different input)` : `Execution Already Exists: '${executionArn}'`
      )
    }
    const startDate = Date.now() / 1000
    executions.set(executionArn, { executionArn, stateMachineArn, name, input: inputText, startDate, status: "RUNNING" })
    return { executionArn, startDate }
  }

  const describeExecution = (json: any) => {
    const arn = json?.executionArn
    if (typeof arn !== "string" || !/^arn:[a-z-]+:states:[a-z0-9-]+:[0-9]{12}:execution:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/.test(arn)) {
      throw new ApiError("InvalidArn", `Invalid Arn: '${String(arn)}'`)
    }
    const e = executions.get(arn)
    if (e === undefined) throw new ApiError("ExecutionDoesNotExist", `Execution Does Not Exist: '${arn}'`)
    return {
      executionArn: e.executionArn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: e.startDate,
      input: e.input,
      ...(e.status === "RUNNING" ? {} : { stopDate: e.startDate + 1 }),
      ...(e.error === undefined ? {} : { error: e.error }),
      ...(e.cause === undefined ? {} : { cause: e.cause })
    }
  }

  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const target = String(req.headers["x-amz-target"] ?? "")
      let json: any
      try {
        json = JSON.parse(body)
      } catch {
        json = undefined
      }
      requests.push({ target, contentType: String(req.headers["content-type"] ?? ""), body, json })
      const failure = failures.shift()
      if (failure !== undefined) return send(res, failure.status, { __type: failure.type, message: failure.message ?? `${failure.type} (stand-in)` })
      try {
        if (req.method !== "POST" || req.url !== "/") throw new ApiError("UnknownOperationException", `${req.method} ${req.url}`, 404)
        if (json === undefined) throw new ApiError("SerializationException", "body is not JSON")
        switch (target) {
          case "AWSStepFunctions.StartExecution":
            return send(res, 200, startExecution(json))
          case "AWSStepFunctions.DescribeExecution":
            return send(res, 200, describeExecution(json))
          default:
            throw new ApiError("UnknownOperationException", `unsupported operation ${target}`)
        }
      } catch (error) {
        if (error instanceof ApiError) return send(res, error.status, { __type: error.type, message: error.message })
        return send(res, 500, { __type: "InternalFailure", message: String(error) })
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo

  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    executions,
    setStatus: (stateMachineArn, name, status, details) => {
      const e = executions.get(executionArnOf(stateMachineArn, name))
      if (e === undefined) throw new Error(`no execution ${name} of ${stateMachineArn}`)
      e.status = status
      e.error = details?.error
      e.cause = details?.cause
    },
    failNext: (count, failure) => {
      for (let i = 0; i < count; i++) failures.push(failure)
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((err) => (err ? reject(err) : resolve()))
      })
  }
}
