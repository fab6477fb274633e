import { describe, expect, it } from "vitest"
import { logoutUri, redirectUri, signoutArgs, userManagerSettings } from "../../src/api/CloudAuth.js"
import type { CloudConfig } from "../../src/api/WebConfig.js"
import { memoryStorage } from "../memoryStorage.js"

const CONFIG: CloudConfig = {
  mode: "cloud",
  auth: {
    authority: "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123",
    clientId: "client123",
    redirectPath: "/auth/callback",
    scope: "openid email",
    domain: "https://curator-demo.auth.eu-west-1.amazoncognito.com"
  }
}
const ORIGIN = "https://d111.cloudfront.net"

describe("CloudAuth settings", () => {
  it("code + PKCE against the pool, callback on this origin, renewal with the refresh token, Cognito's logout endpoint seeded", () => {
    const s = userManagerSettings(CONFIG, ORIGIN, memoryStorage())
    expect(s).toMatchObject({
      authority: CONFIG.auth.authority,
      client_id: "client123",
      redirect_uri: `${ORIGIN}/auth/callback`,
      response_type: "code",
      scope: "openid email",
      automaticSilentRenew: true,
      metadataSeed: { end_session_endpoint: "https://curator-demo.auth.eu-west-1.amazoncognito.com/logout" }
    })
    expect(s.disablePKCE).toBeUndefined()
    expect(redirectUri(CONFIG, ORIGIN)).toBe("https://d111.cloudfront.net/auth/callback")
  })

  it("signs out with Cognito's client_id and logout_uri (the origin unless configured)", () => {
    expect(logoutUri(CONFIG, ORIGIN)).toBe(`${ORIGIN}/`)
    expect(signoutArgs(CONFIG, ORIGIN)).toEqual({ extraQueryParams: { client_id: "client123", logout_uri: `${ORIGIN}/` } })
    const custom: CloudConfig = { ...CONFIG, auth: { ...CONFIG.auth, logoutUri: "https://curator.example.com/bye" } }
    expect(signoutArgs(custom, ORIGIN).extraQueryParams.logout_uri).toBe("https://curator.example.com/bye")
  })
})
