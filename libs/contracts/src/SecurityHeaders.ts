/**
 * The security headers of the web app and its API, in ONE place for both
 * homes: the CloudFront response-headers policy (deploy/ FrontendStack) and
 * the local server of `curator serve` (apps/cli) build their headers from
 * these values, so the app runs under the same Content-Security-Policy on a
 * laptop as on AWS (a CSP violation shows up in the local e2e walk, not first
 * in production).
 *
 * Also the words a person reads when the local server no longer knows their
 * browser ({@link LOCAL_SIGNED_OUT}): the server's 401 page and the web app's
 * 401 screen say the same thing.
 *
 * Browser-safe: plain strings, no Node module.
 */

/**
 * Where the app may load from or talk to besides its own origin. On AWS: the
 * media bucket (presigned PUT uploads, presigned GET images and videos) and
 * Cognito (discovery, keys, the token endpoint). Locally both lists are empty:
 * blobs are same-origin `/blob/...` URLs and there is no sign-in.
 */
export interface CspOrigins {
  /** Origins of the media bucket, e.g. `https://<bucket>.s3.<region>.amazonaws.com` (connect-src, img-src, media-src). */
  readonly media: ReadonlyArray<string>
  /** Cognito origins: `https://cognito-idp.<region>.amazonaws.com` and the Hosted UI base URL (connect-src only). */
  readonly cognito: ReadonlyArray<string>
}

const directive = (name: string, sources: ReadonlyArray<string>) => [name, ...sources].join(" ")

/**
 * The Content-Security-Policy (CSP Level 3, https://www.w3.org/TR/CSP3/):
 * everything from the app's own origin (`'self'`; no inline script or
 * style, no `eval`), plus `data:`/`blob:` images and `blob:` media (previews
 * made in the page), plus `origins.media` for uploads (`connect-src`) and the
 * images and videos shown from signed URLs, plus `origins.cognito` for
 * sign-in fetches (`connect-src`). The Hosted UI pages themselves are
 * top-level navigations, which CSP does not govern. No framing
 * (`frame-ancestors 'none'`), no plugins, forms and `<base>` same-origin only.
 * Directives are joined with `"; "`, sources with one space.
 */
export const contentSecurityPolicy = (origins: CspOrigins): string =>
  [
    directive("default-src", ["'self'"]),
    directive("script-src", ["'self'"]),
    directive("style-src", ["'self'"]),
    directive("img-src", ["'self'", "data:", "blob:", ...origins.media]),
    directive("media-src", ["'self'", "blob:", ...origins.media]),
    directive("connect-src", ["'self'", ...origins.media, ...origins.cognito]),
    directive("font-src", ["'self'"]),
    directive("object-src", ["'none'"]),
    directive("base-uri", ["'self'"]),
    directive("form-action", ["'self'"]),
    directive("frame-ancestors", ["'none'"])
  ].join("; ")

/** The CSP of the local server: {@link contentSecurityPolicy} with no other origin (blobs are same-origin; no Cognito). */
export const LOCAL_CONTENT_SECURITY_POLICY = contentSecurityPolicy({ media: [], cognito: [] })

/**
 * The other security headers CloudFront sends with every response, as
 * values (deploy/ maps them onto its ResponseHeadersPolicy; the local server
 * sends the ones that apply over plain HTTP on loopback — see apps/cli).
 */
export const SecurityHeaderValues = {
  /** `X-Content-Type-Options`: no MIME sniffing (a blob served as an image is never run as script). */
  contentTypeOptions: "nosniff",
  /** `X-Frame-Options`: never in a frame (older browsers; `frame-ancestors 'none'` is the CSP form). */
  frameOptions: "DENY",
  /** `Referrer-Policy` on AWS: the origin only, and nothing on an HTTPS -> HTTP step. */
  referrerPolicy: "strict-origin-when-cross-origin",
  /** `Strict-Transport-Security` max-age on AWS, seconds (365 days; with includeSubDomains). Browsers ignore HSTS over plain HTTP (RFC 6797 §8.1). */
  hstsMaxAgeSeconds: 365 * 24 * 60 * 60
} as const

/**
 * What a person reads when their browser has no valid access cookie for the
 * local server (it was restarted, so its token is new; or the cookie was
 * cleared): the server's HTML 401 page and the web app's screen on an API 401.
 */
export const LOCAL_SIGNED_OUT = {
  title: "Open Curator's link again",
  message:
    "This browser is not signed in to this Curator (it was restarted, or its cookie is gone). Open the link printed by `curator serve` (`npm start`) in its terminal again; the link carries a new access token."
} as const
