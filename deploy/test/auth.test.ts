import { Template } from "aws-cdk-lib/assertions"
import { describe, expect, it } from "vitest"
import { buildApp } from "../src/app.js"
import { TokenValidity } from "../src/AuthStack.js"
import { DEFAULT_AUTH_ORIGIN, Env } from "../src/config.js"
import { exportedValue, logicalId, render, synth } from "./support.js"

const byDefault = synth()
const auth = byDefault.templates.auth
const only = (t: Template, type: string) => {
  const resources = Object.values(t.findResources(type))
  expect(resources).toHaveLength(1)
  return resources[0]!
}
const pool = only(auth, "AWS::Cognito::UserPool")
const client = () => only(auth, "AWS::Cognito::UserPoolClient").Properties

describe("user pool", () => {
  it("signs in with the email address (required, verified, case-insensitive); only admins create users by default", () => {
    expect(pool.Properties).toMatchObject({
      UsernameAttributes: ["email"],
      UsernameConfiguration: { CaseSensitive: false },
      AutoVerifiedAttributes: ["email"],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true }
    })
    expect(pool.Properties.Schema).toEqual([{ Name: "email", Required: true, Mutable: true }])
    expect(pool.Properties.AliasAttributes).toBeUndefined()
  })

  it("lets people sign up only with -c selfSignUp=true", () => {
    const open = only(synth({ selfSignUp: "true" }).templates.auth, "AWS::Cognito::UserPool")
    expect(open.Properties.AdminCreateUserConfig).toEqual({ AllowAdminCreateUserOnly: false })
  })

  it("has a strong password policy, recovery by email only, and is retained", () => {
    expect(pool.Properties.Policies.PasswordPolicy).toEqual({
      MinimumLength: 12,
      RequireLowercase: true,
      RequireUppercase: true,
      RequireNumbers: true,
      RequireSymbols: true,
      TemporaryPasswordValidityDays: 3
    })
    expect(pool.Properties.AccountRecoverySetting).toEqual({ RecoveryMechanisms: [{ Name: "verified_email", Priority: 1 }] })
    expect(pool.DeletionPolicy).toBe("Retain")
    expect(pool.UpdateReplacePolicy).toBe("Retain")
    expect(pool.Properties.UserPoolTier).toBe("LITE")
  })
})

describe("Hosted UI domain", () => {
  const domain = only(auth, "AWS::Cognito::UserPoolDomain").Properties

  it("is a Cognito prefix domain of the pool with the classic Hosted UI", () => {
    expect(render(domain.UserPoolId)).toBe(`ref:${logicalId(auth, "AWS::Cognito::UserPool", "UserPool")}`)
    expect(domain.ManagedLoginVersion).toBe(1)
    expect(domain.CustomDomainConfig).toBeUndefined()
  })

  it("defaults to curator-<last group of the stack id's UUID>: no lookup, nothing account-specific at synth", () => {
    expect(domain.Domain).toEqual({
      "Fn::Join": [
        "-",
        ["curator", { "Fn::Select": [4, { "Fn::Split": ["-", { "Fn::Select": [2, { "Fn::Split": ["/", { Ref: "AWS::StackId" }] }] }] }] }]
      ]
    })
    // What CloudFormation makes of it for a real stack id: lowercase hex, a valid prefix.
    const stackId = "arn:aws:cloudformation:eu-west-1:123456789012:stack/CuratorAuth/51af3dc0-da77-11e4-872e-1234567db123"
    expect(`curator-${stackId.split("/")[2]!.split("-")[4]}`).toBe("curator-1234567db123")
  })

  it("takes the prefix from -c cognitoDomainPrefix", () => {
    const custom = only(synth({ cognitoDomainPrefix: "curator-prod" }).templates.auth, "AWS::Cognito::UserPoolDomain")
    expect(custom.Properties.Domain).toBe("curator-prod")
  })

  it("exports the Hosted UI base URL https://<prefix>.auth.<region>.amazoncognito.com", () => {
    expect(render(auth.toJSON().Outputs.HostedUiBaseUrl.Value)).toBe(
      `https://ref:${logicalId(auth, "AWS::Cognito::UserPoolDomain", "UserPoolHostedUi")}.auth.ref:AWS::Region.amazoncognito.com`
    )
  })
})

describe("web client", () => {
  it("is public (no secret) with the authorization code grant only: no implicit grant, no client credentials", () => {
    const c = client()
    expect(c.GenerateSecret).toBe(false)
    expect(c.AllowedOAuthFlows).toEqual(["code"])
    expect(c.AllowedOAuthFlowsUserPoolClient).toBe(true)
    expect(JSON.stringify(c)).not.toContain("implicit")
    expect(JSON.stringify(c)).not.toContain("client_credentials")
  })

  it("asks for openid + email only, from Cognito itself", () => {
    expect(client().AllowedOAuthScopes).toEqual(["openid", "email"])
    expect(client().SupportedIdentityProviders).toEqual(["COGNITO"])
  })

  it("allows refresh tokens, revocable, with the documented lifetimes; no user-existence leaks", () => {
    const c = client()
    expect(c.ExplicitAuthFlows).toContain("ALLOW_REFRESH_TOKEN_AUTH")
    expect(c.ExplicitAuthFlows).not.toContain("ALLOW_USER_PASSWORD_AUTH")
    expect(c.EnableTokenRevocation).toBe(true)
    expect(c.PreventUserExistenceErrors).toBe("ENABLED")
    expect(c.TokenValidityUnits).toEqual({ AccessToken: "minutes", IdToken: "minutes", RefreshToken: "minutes" })
    expect(c.AccessTokenValidity).toBe(TokenValidity.accessMinutes)
    expect(c.IdTokenValidity).toBe(TokenValidity.idMinutes)
    expect(c.RefreshTokenValidity).toBe(TokenValidity.refreshDays * 24 * 60)
  })

  it("returns to <webOrigin>/auth/callback and <webOrigin>/ for every concrete web origin", () => {
    const c = only(
      synth({ webOrigins: "https://d111abcdef8.cloudfront.net,https://curator.example.com" }).templates.auth,
      "AWS::Cognito::UserPoolClient"
    ).Properties
    expect(c.CallbackURLs).toEqual(["https://d111abcdef8.cloudfront.net/auth/callback", "https://curator.example.com/auth/callback"])
    expect(c.LogoutURLs).toEqual(["https://d111abcdef8.cloudfront.net/", "https://curator.example.com/"])
  })

  it("falls back to the localhost dev origin while webOrigins is the wildcard default (Cognito refuses wildcards)", () => {
    expect(DEFAULT_AUTH_ORIGIN).toBe("http://localhost:5173")
    expect(client().CallbackURLs).toEqual([`${DEFAULT_AUTH_ORIGIN}/auth/callback`])
    expect(client().LogoutURLs).toEqual([`${DEFAULT_AUTH_ORIGIN}/`])
    expect(JSON.stringify(client())).not.toContain("*")
  })
})

describe("wiring", () => {
  const apiEnv = () => {
    const fns = byDefault.templates.backend.findResources("AWS::Lambda::Function")
    return fns[logicalId(byDefault.templates.backend, "AWS::Lambda::Function", "ApiFunction")]!.Properties.Environment.Variables as Record<string, unknown>
  }

  it("gives the API function the pool id and the web client id (AuthStack's exports of exactly those)", () => {
    const env = apiEnv()
    expect(exportedValue(auth, render(env[Env.cognitoUserPoolId]).replace(/^import:/, ""))).toBe(
      `ref:${logicalId(auth, "AWS::Cognito::UserPool", "UserPool")}`
    )
    expect(exportedValue(auth, render(env[Env.cognitoClientId]).replace(/^import:/, ""))).toBe(
      `ref:${logicalId(auth, "AWS::Cognito::UserPoolClient", "UserPoolWebClient")}`
    )
    // The backend no longer owns a pool of its own.
    expect(Object.keys(byDefault.templates.backend.findResources("AWS::Cognito::UserPool"))).toEqual([])
  })

  it("synthesizes with no context and no environment at all", () => {
    const { app, auth: stack } = buildApp({}, {})
    const assembly = app.synth()
    expect(assembly.manifest.missing ?? []).toEqual([])
    const c = only(Template.fromStack(stack), "AWS::Cognito::UserPoolClient").Properties
    expect(c.CallbackURLs).toEqual([`${DEFAULT_AUTH_ORIGIN}/auth/callback`])
  })
})
