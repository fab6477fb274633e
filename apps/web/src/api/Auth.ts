/**
 * How API requests are authorised, whatever the mode: the one place the
 * ApiClient asks for a token and reports a 401.
 *
 * - Local mode ({@link localAuth}): no header (the HttpOnly cookie set by
 *   `curator serve` travels with every same-origin fetch); a 401 means the
 *   cookie is not this server's (it restarted with a new token, or the cookie
 *   is gone): the app shows "open the link printed by `curator serve` again"
 *   (LOCAL_SIGNED_OUT of @curator/contracts, the words of the server's own
 *   401 page) instead of the step.
 * - Cloud mode (CloudAuth.ts): `Authorization: Bearer <Cognito access token>`
 *   on every API request; a 401 (expired or revoked token) starts a new
 *   sign-in that comes back to the current URL.
 *
 * Signed media URLs (S3 presigned on AWS, `/blob/...` locally) are not API
 * requests and never get the header: the signature in the URL is the grant.
 */

/** The current authorisation of API calls. */
export interface Auth {
  /** `"local"` or `"cloud"`. */
  readonly mode: "local" | "cloud"
  /** The access token to send as `Authorization: Bearer`, or undefined to send none. */
  readonly accessToken: () => string | undefined
  /** Called when the API answered 401 (cloud: redirects to sign-in, keeping {@link currentLocation}; local: the "open the link again" screen). */
  readonly onUnauthorized: () => void
}

/** Local mode: no header; nothing to do on 401 until the app sets its screen ({@link localAuthWith}). */
export const localAuth: Auth = { mode: "local", accessToken: () => undefined, onUnauthorized: () => undefined }

/** Local mode calling `onUnauthorized` on a 401 (main.tsx: the "open the link again" screen). */
export const localAuthWith = (onUnauthorized: () => void): Auth => ({ ...localAuth, onUnauthorized })

let current: Auth = localAuth

/** Sets the authorisation used by every later API call (once, at start). */
export const setAuth = (auth: Auth): void => {
  current = auth
}

/** The authorisation in use. */
export const getAuth = (): Auth => current

/**
 * The headers an API request gets: `{ authorization: "Bearer <token>" }` when
 * `auth` has a token (cloud mode, signed in), else none.
 */
export const authHeaders = (auth: Auth): Readonly<Record<string, string>> => {
  const token = auth.accessToken()
  return token === undefined || token === "" ? {} : { authorization: `Bearer ${token}` }
}

/**
 * The 401 rule: whether an API failure with HTTP `status` means the
 * authorisation is gone — in cloud mode the token expired or was revoked
 * (sign in again), locally the access cookie is not this server's (open the
 * printed link again). Only a 401: a 403 is the origin-verify or Host/Origin
 * check, or a permission, which neither changes.
 */
export const isUnauthorized = (status: number): boolean => status === 401

/** The URL to come back to after a sign-in: path, query and fragment of `location`. */
export const currentLocation = (location: Pick<Location, "pathname" | "search" | "hash">): string => `${location.pathname}${location.search}${location.hash}`

/**
 * A safe same-origin return path from a sign-in's state: a string starting
 * with one `/` (not `//host`, which would leave the site), else `/`.
 */
export const safeReturnPath = (value: unknown): string =>
  typeof value === "string" && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/"
