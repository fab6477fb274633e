/**
 * The API on AWS Lambda behind an API Gateway HTTP API (payload format 2.0)
 * and CloudFront `/api/*`: `makeLambdaHandler` turns an
 * `APIGatewayProxyEventV2` into a WHATWG `Request` for the runtime-agnostic
 * handler (`makeApiHandler`) and its `Response` back into an
 * `APIGatewayProxyStructuredResultV2`, after two checks:
 *
 * 1. Origin verify: the `x-origin-verify` header must equal the secret that
 *    CloudFront adds as a custom origin header (so the API cannot be called
 *    around CloudFront). Compared in constant time: both sides are hashed to
 *    SHA-256 digests (equal length whatever the input) and compared with
 *    `crypto.timingSafeEqual`. Missing or different -> 403 `Forbidden`.
 * 2. Cognito JWT: `Authorization: Bearer <token>` verified by a
 *    `TokenVerifier` (on Lambda an aws-jwt-verify `CognitoJwtVerifier` with
 *    `tokenUse: "access"`: signature against the user pool's JWKS, `exp`,
 *    issuer = the pool, `client_id` = the app client, `token_use` = access).
 *    Every route but `GET /api/health` ({@link HEALTH_PATH}). Missing or
 *    invalid -> 401 `Unauthorized` with `WWW-Authenticate: Bearer`.
 *
 * Event -> Request: method `requestContext.http.method`; URL
 * `https://<domainName><rawPath>?<rawQueryString>` (query bytes untouched);
 * headers as given (API Gateway already joins repeated headers with `,`),
 * the `cookies` array joined into one `cookie` header with `; `
 * (API Gateway moves cookies out of `headers` in 2.0); body decoded from
 * base64 when `isBase64Encoded`; the `x-origin-verify` header is dropped
 * once checked, so the secret reaches neither the handler nor its logs.
 *
 * Response -> result: `statusCode`; headers (a repeated header joined with
 * `, `) except `set-cookie`, whose values become `cookies` (one entry per
 * `Set-Cookie`, which cannot be comma-joined); a textual body
 * (`text/*`, JSON, XML, JavaScript, form data, SVG) as UTF-8, any other body
 * base64 with `isBase64Encoded: true`.
 */
import { createHash, timingSafeEqual } from "node:crypto"
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda"
import { errorResponse, HEALTH_PATH } from "./ApiHandler.js"

/** Header CloudFront adds with the origin-verify secret (lower case, as API Gateway 2.0 delivers header names). */
export const ORIGIN_VERIFY_HEADER = "x-origin-verify"

/** Checks a bearer token; resolves (to its claims) when valid, rejects otherwise. `CognitoJwtVerifier` fits. */
export interface TokenVerifier {
  readonly verify: (token: string) => Promise<unknown>
}

/** Options of {@link makeLambdaHandler}. */
export interface LambdaAdapterOptions {
  /** The runtime-agnostic API (`makeApiHandler(services).handler`). */
  readonly handler: (request: Request) => Promise<Response>
  /** The value the `x-origin-verify` header must carry (non-empty). */
  readonly originSecret: string
  /** Verifies `Authorization: Bearer` tokens. */
  readonly verifier: TokenVerifier
}

/** The Lambda handler signature of an HTTP API (payload 2.0) integration. */
export type ApiGatewayV2Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest()

/**
 * Whether `given` equals `secret`, in time independent of where they differ
 * (SHA-256 digests of both, 32 bytes each, compared with `timingSafeEqual`).
 * An absent `given` is false.
 */
export const originVerified = (given: string | undefined, secret: string): boolean =>
  given !== undefined && timingSafeEqual(digest(given), digest(secret))

const BEARER = /^Bearer[ \t]+([A-Za-z0-9._~+/=-]+)[ \t]*$/i

/** Methods whose requests carry no body (WHATWG `Request` refuses one). */
const BODYLESS = new Set(["GET", "HEAD"])

/** A header of the event by lower-case name (API Gateway 2.0 lower-cases names; tests may not). */
const headerOf = (event: APIGatewayProxyEventV2, name: string): string | undefined => {
  const headers = event.headers ?? {}
  const direct = headers[name]
  if (direct !== undefined) return direct
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value
  return undefined
}

/** The WHATWG Request of a payload 2.0 event (see the module doc); drops {@link ORIGIN_VERIFY_HEADER}. */
export const eventToRequest = (event: APIGatewayProxyEventV2): Request => {
  const method = event.requestContext.http.method.toUpperCase()
  const host = event.requestContext.domainName ?? headerOf(event, "host") ?? "localhost"
  const query = event.rawQueryString === undefined || event.rawQueryString === "" ? "" : `?${event.rawQueryString}`
  const headers = new Headers()
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value === undefined || name.toLowerCase() === ORIGIN_VERIFY_HEADER) continue
    headers.append(name, value)
  }
  if (event.cookies !== undefined && event.cookies.length > 0) headers.set("cookie", event.cookies.join("; "))
  const init: RequestInit = { method, headers }
  if (event.body !== undefined && event.body !== null && !BODYLESS.has(method)) {
    init.body = event.isBase64Encoded ? Buffer.from(event.body, "base64") : event.body
  }
  return new Request(`https://${host}${event.rawPath}${query}`, init)
}

const TEXTUAL =
  /^(?:text\/|application\/(?:json|xml|javascript|ecmascript|x-www-form-urlencoded|problem\+json|[a-z0-9.+-]*\+json|[a-z0-9.+-]*\+xml)\b|image\/svg\+xml\b)/i

/** Whether a body of `contentType` is sent as UTF-8 text (else base64). */
export const isTextual = (contentType: string | null): boolean => contentType !== null && TEXTUAL.test(contentType.trim())

/** The payload 2.0 result of a `Response` (see the module doc). */
export const responseToResult = async (response: Response): Promise<APIGatewayProxyStructuredResultV2> => {
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value
  })
  const cookies = response.headers.getSetCookie()
  const bytes = Buffer.from(await response.arrayBuffer())
  const textual = bytes.byteLength === 0 || isTextual(response.headers.get("content-type"))
  return {
    statusCode: response.status,
    headers,
    ...(cookies.length > 0 ? { cookies } : {}),
    body: textual ? bytes.toString("utf8") : bytes.toString("base64"),
    isBase64Encoded: !textual
  }
}

/**
 * The Lambda handler: origin verify (403), then the JWT on every route but
 * `GET /api/health` (401), then the API. Throws at once when
 * `originSecret` is empty (the check would be meaningless).
 */
export const makeLambdaHandler = (options: LambdaAdapterOptions): ApiGatewayV2Handler => {
  if (options.originSecret === "") throw new Error("the origin-verify secret is empty")
  const { handler, originSecret, verifier } = options
  return async (event) => {
    if (!originVerified(headerOf(event, ORIGIN_VERIFY_HEADER), originSecret)) {
      return responseToResult(errorResponse(403, "Forbidden", "requests must come through the Curator CloudFront distribution"))
    }
    const method = event.requestContext.http.method.toUpperCase()
    if (!(method === "GET" && event.rawPath === HEALTH_PATH)) {
      const token = BEARER.exec(headerOf(event, "authorization") ?? "")?.[1]
      const valid = token !== undefined && (await verifier.verify(token).then(() => true, () => false))
      if (!valid) {
        const response = errorResponse(401, "Unauthorized", token === undefined ? "sign in: the request has no bearer token" : "sign in again: the token is invalid or expired")
        response.headers.set("www-authenticate", token === undefined ? "Bearer" : 'Bearer error="invalid_token"')
        return responseToResult(response)
      }
    }
    return responseToResult(await handler(eventToRequest(event)))
  }
}
