/**
 * A minimal SSM stand-in for tests (`@curator/store/aws-testing`): the AWS JSON 1.1 protocol's
 * `AmazonSSM.GetParameter` (POST /, header `X-Amz-Target`), answered from `parameters`; a missing
 * name is `ParameterNotFound` (HTTP 400), as SSM answers it. A SecureString's value is returned
 * only with `WithDecryption: true` (otherwise an opaque ciphertext, as SSM does). Every request is
 * recorded in `requests`. No npm emulator of SSM is installed; the Lambdas read one parameter each.
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"

/** A running SSM stand-in: point `CURATOR_SSM_ENDPOINT` at `endpoint`. */
export interface SsmStandIn {
  readonly endpoint: string
  /** Every request: its `X-Amz-Target` and JSON body. */
  readonly requests: Array<{ target: string; json: any }>
  /** Parameter name -> value (SecureString). */
  readonly parameters: Map<string, string>
  readonly close: () => Promise<void>
}

/** Starts the SSM stand-in on 127.0.0.1 and a free port. */
export const startSsmStandIn = async (): Promise<SsmStandIn> => {
  const requests: Array<{ target: string; json: any }> = []
  const parameters = new Map<string, string>()
  const server: Server = createServer((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => {
      const json = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}")
      const target = String(req.headers["x-amz-target"])
      requests.push({ target, json })
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1" })
        res.end(JSON.stringify(body))
      }
      if (target !== "AmazonSSM.GetParameter") return reply(400, { __type: "UnknownOperationException", message: target })
      const value = typeof json.Name === "string" ? parameters.get(json.Name) : undefined
      if (value === undefined) return reply(400, { __type: "ParameterNotFound", message: `parameter ${json.Name} not found` })
      return reply(200, { Parameter: { Name: json.Name, Type: "SecureString", Value: json.WithDecryption === true ? value : "AQICAH-encrypted", Version: 1 } })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    parameters,
    close: () => new Promise((resolve) => server.close(() => resolve()))
  }
}
