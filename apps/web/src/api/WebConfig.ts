/**
 * Local or cloud mode, decided once at start from `/config.json`.
 *
 * - Cloud (AWS): the web bucket serves a `config.json` written at deploy time
 *   by `tools/scripts/web-config.mjs` (see {@link CloudConfig} for the
 *   schema). The API then wants `Authorization: Bearer <Cognito access token>`
 *   on every route but `GET /api/health`, so the app signs in first.
 * - Local (`curator serve`, or `vite` in dev): there is no `/config.json`.
 *   Either a 404, or the SPA fallback's `index.html` (200 `text/html`: both
 *   local servers answer any unknown GET with the app). The HttpOnly access
 *   cookie does the work and the app sends no Authorization header. (On AWS
 *   CloudFront's rewrite never touches a path with a dot, so a missing
 *   `config.json` there is S3's 403: an error, not local mode.)
 *
 * Anything else — a `config.json` that is not JSON or does not match the
 * schema, a 5xx, a network failure — is a {@link WebConfigError}, shown on an
 * error screen: never a silent fallback to local mode (that would send
 * every cloud request without a token).
 */
import { LOCAL_SIGNED_OUT } from "@curator/contracts"
import { Exit, Schema } from "effect"

/** Absolute `https:` URL, or `http:` on a loopback host (local OIDC stand-ins in tests); no query or fragment; a trailing slash only when `slash`. */
const isServiceUrl = (value: string, slash = false): boolean => {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  const loopback = url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]"
  return (url.protocol === "https:" || (url.protocol === "http:" && loopback)) && (slash || !value.endsWith("/")) && url.search === "" && url.hash === ""
}

const ServiceUrl = Schema.String.check(
  Schema.makeFilter((s: string) => isServiceUrl(s) || "an absolute https URL without a trailing slash, query or fragment (http only on 127.0.0.1/localhost)")
)

const PageUrl = Schema.String.check(
  Schema.makeFilter((s: string) => isServiceUrl(s, true) || "an absolute https URL without query or fragment (http only on 127.0.0.1/localhost)")
)

/** The sign-in settings of cloud mode. */
export const CloudAuthConfig = Schema.Struct({
  /**
   * The OIDC issuer: `https://cognito-idp.<region>.amazonaws.com/<userPoolId>`.
   * oidc-client-ts reads `<authority>/.well-known/openid-configuration`
   * (Cognito's lists the Hosted UI's authorize and token endpoints).
   */
  authority: ServiceUrl,
  /** The Cognito app client id (public client: no secret; authorization code + PKCE). */
  clientId: Schema.String.check(Schema.isPattern(/^[A-Za-z0-9_+-]{1,128}$/)),
  /** Path of the sign-in callback route on this origin; the app client's callback URL is `https://<site><redirectPath>`. */
  redirectPath: Schema.Literal("/auth/callback"),
  /** Where Cognito sends the browser after sign-out; must be one of the app client's sign-out URLs. Default: `<origin>/`. */
  logoutUri: Schema.optionalKey(PageUrl),
  /** OAuth scopes asked for: `openid email` (the id token then carries the email shown in the header). */
  scope: Schema.Literal("openid email"),
  /**
   * The Cognito Hosted UI base URL, `https://<prefix>.auth.<region>.amazoncognito.com`
   * (or a custom domain). Its `/logout` endpoint is the sign-out target:
   * Cognito's discovery document has no `end_session_endpoint`.
   */
  domain: ServiceUrl
})

/** {@link CloudAuthConfig} decoded. */
export type CloudAuthConfig = typeof CloudAuthConfig.Type

/**
 * The schema of `/config.json` in cloud mode:
 * `{ "mode": "cloud", "auth": { authority, clientId, redirectPath: "/auth/callback", logoutUri?, scope: "openid email", domain } }`.
 * Unknown keys are ignored.
 */
export const CloudConfig = Schema.Struct({
  mode: Schema.Literal("cloud"),
  auth: CloudAuthConfig
})

/** {@link CloudConfig} decoded. */
export type CloudConfig = typeof CloudConfig.Type

/** The mode the app runs in. */
export type WebMode = { readonly mode: "local" } | CloudConfig

/** `/config.json` exists but cannot be used, or could not be read. `message` says why, for people. */
export class WebConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "WebConfigError"
  }
}

/**
 * `/config.json` answered 401: only `curator serve` does that (its access
 * cookie check; on AWS a missing file is S3's 403), so the browser must open
 * the printed link again. `message` says so ({@link LOCAL_SIGNED_OUT}).
 */
export class SignedOutError extends WebConfigError {
  constructor() {
    super(LOCAL_SIGNED_OUT.message)
    this.name = "SignedOutError"
  }
}

/** Path of the config file on the app's origin. */
export const CONFIG_PATH = "/config.json"

const decodeCloudConfig = Schema.decodeUnknownExit(CloudConfig)

/** Decodes a parsed `config.json` body; throws {@link WebConfigError} naming the schema issue. */
export const parseCloudConfig = (json: unknown): CloudConfig => {
  const exit = decodeCloudConfig(json, { errors: "all" })
  if (Exit.isSuccess(exit)) return exit.value
  const cause = exit.cause.reasons.map((r) => ("error" in r ? String((r.error as Error).message ?? r.error) : String(r))).join("; ")
  throw new WebConfigError(`${CONFIG_PATH} is not a valid cloud configuration: ${cause}`)
}

/**
 * Reads the mode: fetches {@link CONFIG_PATH} with `fetchFn` (no cache).
 * 404, or 200 `text/html` (a local SPA fallback) -> local mode; 200 with a
 * valid JSON body -> the cloud config; 401 (the local server's cookie check)
 * rejects with a {@link SignedOutError}; anything else with a
 * {@link WebConfigError}.
 */
export const loadWebMode = async (fetchFn: typeof fetch = fetch): Promise<WebMode> => {
  let response: Response
  try {
    response = await fetchFn(CONFIG_PATH, { cache: "no-store", headers: { accept: "application/json" } })
  } catch (e) {
    throw new WebConfigError(`${CONFIG_PATH} could not be fetched: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (response.status === 404) return { mode: "local" }
  if (response.status === 401) throw new SignedOutError()
  if (!response.ok) throw new WebConfigError(`${CONFIG_PATH} answered HTTP ${response.status}`)
  if (/^\s*text\/html\b/i.test(response.headers.get("content-type") ?? "")) return { mode: "local" }
  let json: unknown
  try {
    json = await response.json()
  } catch {
    throw new WebConfigError(`${CONFIG_PATH} is not JSON`)
  }
  return parseCloudConfig(json)
}
