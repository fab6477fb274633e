/**
 * Access rules of the local server (ARCHITECTURE.md "Hardening", local
 * server). The server binds 127.0.0.1 only and is reached under its own host
 * name, `<port>.localhost` (RFC 6761 §6.3 reserves `.localhost` for loopback;
 * Chromium and Firefox resolve every `*.localhost` name to loopback
 * themselves, without DNS), or, where a browser does not resolve that name,
 * under `127.0.0.1:<port>` (the fallback).
 *
 * Why a host name per instance: cookies ignore ports (RFC 6265 §8.5). A
 * cookie set by `127.0.0.1:4173` is sent to every server on 127.0.0.1 (any
 * port), and a second Curator on 127.0.0.1 would overwrite it. A host-only
 * cookie (no Domain attribute) of `4173.localhost` is sent to that host name
 * only, so other local servers (reached as 127.0.0.1 or localhost) never see
 * it and two Curators on two ports keep two cookies. The cookie's name
 * carries the port too, so two instances never collide even on the shared
 * fallback host.
 *
 * The printed token is exchanged once for an HttpOnly SameSite=Strict
 * cookie; `Host` must be one of this server's two names and `Origin`, when
 * sent, one of its two origins — a DNS-rebinding page (evil.example
 * resolving to 127.0.0.1) sends its own Host and Origin and is refused (403).
 */
import { timingSafeEqual } from "node:crypto"
import { LOCAL_SIGNED_OUT } from "@curator/contracts"

/** The loopback address the server binds, and the fallback host name of its URL. */
export const LOOPBACK_HOST = "127.0.0.1"

/** This instance's own host name: `<port>.localhost` (a loopback name, RFC 6761 §6.3). */
export const instanceHostName = (port: number): string => `${port}.localhost`

/** The two origins of an instance: `http://<port>.localhost:<port>` (primary) and `http://127.0.0.1:<port>` (fallback). */
export const instanceOrigins = (port: number): { readonly primary: string; readonly fallback: string } => ({
  primary: `http://${instanceHostName(port)}:${port}`,
  fallback: `http://${LOOPBACK_HOST}:${port}`
})

/** Name of the access cookie of the instance on `port`: `curator_access_<port>` (two instances never share a name). */
export const accessCookieName = (port: number): string => `curator_access_${port}`

/** The Host header values this server answers to (compared lower-cased): `<port>.localhost:<port>` and `127.0.0.1:<port>`. */
export const allowedHosts = (port: number): ReadonlySet<string> => new Set([`${instanceHostName(port)}:${port}`, `${LOOPBACK_HOST}:${port}`])

/** The Origin header values accepted (same-origin requests under either host name). */
export const allowedOrigins = (port: number): ReadonlySet<string> => {
  const { primary, fallback } = instanceOrigins(port)
  return new Set([primary, fallback])
}

/** Constant-time comparison of two secrets given as strings (different lengths compare false). */
export const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Every value of cookie `name` in a `Cookie` header, in header order. A name
 * can occur more than once: a page on another `*.localhost` name could set a
 * `Domain=localhost` cookie of the same name, which the browser then sends too.
 */
export const cookieValues = (header: string | undefined, name: string): ReadonlyArray<string> => {
  const values: Array<string> = []
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=")
    if (eq > 0 && part.slice(0, eq).trim() === name) values.push(part.slice(eq + 1).trim())
  }
  return values
}

/**
 * The `Set-Cookie` value granting access to the instance on `port`: host-only
 * (no Domain attribute, so only the host name the browser used gets it back),
 * HttpOnly (no script reads it), SameSite=Strict (no cross-site request
 * carries it), whole site, for the browser session.
 */
export const accessCookie = (port: number, token: string): string => `${accessCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`

/**
 * Whether a request is a browser page load that wants HTML: its `Accept`
 * lists `text/html` (RFC 9110 §12.5.1) with a non-zero weight. Navigations
 * send it; fetch, XMLHttpRequest, images and media do not.
 */
export const wantsHtml = (accept: string | undefined): boolean =>
  (accept ?? "").split(",").some((range) => {
    const [type, ...params] = range.split(";").map((p) => p.trim().toLowerCase())
    return type === "text/html" && !params.some((p) => /^q=0(\.0{0,3})?$/.test(p))
  })

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** `text` as HTML, its `backtick` spans as `<code>`. */
const withCode = (text: string) =>
  text
    .split("`")
    .map((part, i) => (i % 2 === 1 ? `<code>${escapeHtml(part)}</code>` : escapeHtml(part)))
    .join("")

/**
 * The page a browser gets (401) when it has no valid access cookie for this
 * instance: {@link LOCAL_SIGNED_OUT}'s words, which instance it is, and its
 * URL without the token. No script, no style (the CSP allows neither inline).
 */
export const signedOutPage = (port: number): string =>
  [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark">',
    `<title>${escapeHtml(LOCAL_SIGNED_OUT.title)} · Curator</title></head>`,
    `<body><main data-testid="signed-out"><h1>${escapeHtml(LOCAL_SIGNED_OUT.title)}</h1>`,
    `<p>${withCode(LOCAL_SIGNED_OUT.message)}</p>`,
    `<p>This is the Curator on port ${port}: its link starts with <code>${escapeHtml(instanceOrigins(port).primary)}/?token=</code>.</p>`,
    "</main></body></html>"
  ].join("\n")
