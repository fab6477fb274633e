/**
 * How API requests are authorised, whatever the mode: the one place the
 * ApiClient asks for a token and reports a 401.
 *
 * - Local mode ({@link localAuth}): no header (the HttpOnly cookie set by
 *   `curator serve` travels with every same-origin fetch); a 401 is shown as
 *   the error it is (the person opens the printed URL again).
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
  /** Called when the API answered 401 (cloud: redirects to sign-in, keeping {@link currentLocation}). */
  readonly onUnauthorized: () => void
}

/** Local mode: no header, nothing to do on 401. */
export const localAuth: Auth = { mode: "local", accessToken: () => undefined, onUnauthorized: () => undefined }

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
 * The 401 rule: whether an API failure with HTTP `status` means "sign in
 * again". Only in cloud mode (locally the cookie is fixed for the server's
 * life; signing in cannot help) and only for 401 (a 403 is the origin-verify
 * check or a permission, which a new token does not change).
 */
export const needsSignIn = (auth: Auth, status: number): boolean => auth.mode === "cloud" && status === 401

/** The URL to come back to after a sign-in: path, query and fragment of `location`. */
export const currentLocation = (location: Pick<Location, "pathname" | "search" | "hash">): string => `${location.pathname}${location.search}${location.hash}`

/**
 * A safe same-origin return path from a sign-in's state: a string starting
 * with one `/` (not `//host`, which would leave the site), else `/`.
 */
export const safeReturnPath = (value: unknown): string =>
  typeof value === "string" && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/"
