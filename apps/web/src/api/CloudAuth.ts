/**
 * Sign-in in cloud mode: oidc-client-ts `UserManager` against the Cognito
 * user pool of `config.json` (WebConfig.ts).
 *
 * - Authorization code + PKCE through the Hosted UI: the endpoints come from
 *   `<authority>/.well-known/openid-configuration`; the app client is public
 *   (no secret).
 * - The user (id, access and refresh tokens) lives in `sessionStorage`: one
 *   tab's sign-in, gone when the tab closes.
 * - Renewal: `automaticSilentRenew` with Cognito's refresh token (the
 *   authorization code grant returns one; oidc-client-ts then renews through
 *   the token endpoint with `grant_type=refresh_token`, no iframe) about a
 *   minute before the access token expires.
 * - `/auth/callback` ({@link CloudAuthConfig.redirectPath}) finishes a sign-in
 *   (`signinRedirectCallback`) and returns to the URL the person was on (kept
 *   in the sign-in's `state`).
 * - Sign-out: `signoutRedirect` to Cognito's `<domain>/logout`, which needs
 *   `client_id` and `logout_uri` (a sign-out URL of the app client; default
 *   `<origin>/`). Cognito's discovery document has no `end_session_endpoint`,
 *   so it is seeded here.
 */
import { type User, UserManager, type UserManagerSettings, WebStorageStateStore } from "oidc-client-ts"
import { type Auth, currentLocation, safeReturnPath } from "./Auth.js"
import type { CloudConfig } from "./WebConfig.js"

/** Seconds before expiry at which the access token is renewed. */
const RENEW_BEFORE_SECONDS = 60

/** The redirect URI of `config` on `origin` (`https://<site>/auth/callback`). */
export const redirectUri = (config: CloudConfig, origin: string): string => `${origin}${config.auth.redirectPath}`

/** The logout URI Cognito returns to: `config.auth.logoutUri`, else `<origin>/`. */
export const logoutUri = (config: CloudConfig, origin: string): string => config.auth.logoutUri ?? `${origin}/`

/** The UserManager settings of `config` for a page on `origin`, storing in `storage`. */
export const userManagerSettings = (config: CloudConfig, origin: string, storage: Storage): UserManagerSettings => ({
  authority: config.auth.authority,
  client_id: config.auth.clientId,
  redirect_uri: redirectUri(config, origin),
  response_type: "code",
  scope: config.auth.scope,
  metadataSeed: { end_session_endpoint: `${config.auth.domain}/logout` },
  userStore: new WebStorageStateStore({ store: storage }),
  stateStore: new WebStorageStateStore({ store: storage }),
  automaticSilentRenew: true,
  accessTokenExpiringNotificationTimeInSeconds: RENEW_BEFORE_SECONDS,
  loadUserInfo: false,
  monitorSession: false
})

/** The extra query of the sign-out redirect: Cognito's `/logout` wants `client_id` and `logout_uri`. */
export const signoutArgs = (config: CloudConfig, origin: string) => ({
  extraQueryParams: { client_id: config.auth.clientId, logout_uri: logoutUri(config, origin) }
})

/** The signed-in person as the header shows them. */
export interface Account {
  /** The email from the id token (`email` claim), else the subject. */
  readonly email: string
  /** Signs out through Cognito's logout endpoint. */
  readonly signOut: () => void
}

/** What the start of cloud mode gives the app: the Auth for API calls and the account, or null while a redirect is under way. */
export interface CloudSession {
  readonly auth: Auth
  readonly account: Account
  /** Calls `listener` with the account whenever the user is renewed. Returns the unsubscribe. */
  readonly onAccountChange: (listener: (account: Account) => void) => () => void
}

const emailOf = (user: User): string => {
  const email = user.profile["email"]
  return typeof email === "string" && email !== "" ? email : user.profile.sub
}

/**
 * Starts cloud mode on the current page: on `/auth/callback` finishes the
 * sign-in and replaces the URL with the saved one; otherwise uses the stored
 * user, or (none, or expired and not renewable) redirects to sign-in and
 * resolves with null (the page is being left).
 */
export const startCloudAuth = async (config: CloudConfig): Promise<CloudSession | null> => {
  const origin = location.origin
  const manager = new UserManager(userManagerSettings(config, origin, sessionStorage))
  let user: User | null
  if (location.pathname === config.auth.redirectPath) {
    user = await manager.signinRedirectCallback()
    history.replaceState(null, "", safeReturnPath(user.state))
  } else {
    user = await manager.getUser()
    if (user !== null && user.expired === true) user = await manager.signinSilent().catch(() => null)
  }
  const signIn = () => {
    void manager.removeUser().finally(() => manager.signinRedirect({ state: currentLocation(location) }))
  }
  if (user === null) {
    signIn()
    return null
  }
  let latest: User = user
  let redirecting = false
  const listeners = new Set<(account: Account) => void>()
  // signoutRedirect removes the stored user itself; no post_logout_redirect_uri, so oidc-client-ts adds no client_id: both go as Cognito's own names.
  const signOut = () => void manager.signoutRedirect(signoutArgs(config, origin))
  const accountOf = (u: User): Account => ({ email: emailOf(u), signOut })
  manager.events.addUserLoaded((u) => {
    latest = u
    for (const l of listeners) l(accountOf(u))
  })
  manager.events.addSilentRenewError(() => {
    // The refresh token expired or was revoked: the next 401 signs in again.
  })
  const auth: Auth = {
    mode: "cloud",
    accessToken: () => latest.access_token,
    onUnauthorized: () => {
      if (redirecting) return
      redirecting = true
      signIn()
    }
  }
  return {
    auth,
    account: accountOf(latest),
    onAccountChange: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    }
  }
}
