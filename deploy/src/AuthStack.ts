/**
 * AuthStack: the Cognito user pool the web app signs in to (Hosted UI,
 * authorization code + PKCE, refresh tokens; apps/web `CloudAuth`) and the API
 * verifies access tokens of (apps/api `lambda.ts`).
 *
 * Its own stack, deployed first, breaks the loop "the client's callback URL
 * needs the distribution's domain (FrontendStack) -> FrontendStack needs the
 * HTTP API (BackendStack) -> the API needs the client id": the callback and
 * sign-out URLs come from the `webOrigins` context instead (as the media
 * bucket's CORS does), so the first deployment is deployed twice (README).
 */
import { Aws, CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib"
import * as cognito from "aws-cdk-lib/aws-cognito"
import type { Construct } from "constructs"
import { AuthPaths, type DeployConfig } from "./config.js"

/** What the pool is configured from. */
export interface AuthStackProps extends StackProps {
  readonly config: DeployConfig
}

/**
 * The token lifetimes of the web client. Access and id tokens 60 minutes
 * (Cognito's default; the app renews with the refresh token a minute before
 * expiry), refresh token 7 days (Cognito's default is 30): a tab kept open
 * longer signs in again through the Hosted UI.
 */
export const TokenValidity = {
  accessMinutes: 60,
  idMinutes: 60,
  refreshDays: 7
} as const

/**
 * The default Hosted UI domain prefix when context `cognitoDomainPrefix` is absent:
 * `curator-` + the last 12 hex digits of this stack's CloudFormation stack id, a random UUID
 * fixed when the stack is created. Resolved at deploy time (no lookup, account-agnostic at
 * synth), unique per stack, and only `[0-9a-f-]`, so never one of the words Cognito refuses
 * (`aws`, `amazon`, `cognito`). It changes only if the stack is deleted and re-created.
 */
export const defaultDomainPrefix = (): string =>
  Fn.join("-", ["curator", Fn.select(4, Fn.split("-", Fn.select(2, Fn.split("/", Aws.STACK_ID))))])

/** The user pool, its Hosted UI domain and the web app's public client. */
export class AuthStack extends Stack {
  readonly userPool: cognito.UserPool
  readonly domain: cognito.UserPoolDomain
  readonly webClient: cognito.UserPoolClient
  /** `https://<prefix>.auth.<region>.amazoncognito.com`: the Hosted UI and the OAuth endpoints (authorize, token, logout). */
  readonly hostedUiBaseUrl: string

  constructor(scope: Construct, id: string, props: AuthStackProps) {
    super(scope, id, props)
    const { config } = props

    this.userPool = new cognito.UserPool(this, "UserPool", {
      // Lite covers the classic Hosted UI and everything below (no managed-login branding, no threat protection).
      featurePlan: cognito.FeaturePlan.LITE,
      selfSignUpEnabled: config.selfSignUp,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3)
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // The users are the accounts: a stack deletion or a replacement must never drop them.
      removalPolicy: RemovalPolicy.RETAIN
    })

    this.domain = this.userPool.addDomain("HostedUi", {
      cognitoDomain: { domainPrefix: config.cognitoDomainPrefix ?? defaultDomainPrefix() },
      // The classic Hosted UI works without a branding style (managed login v2 would need one).
      managedLoginVersion: cognito.ManagedLoginVersion.CLASSIC_HOSTED_UI
    })
    this.hostedUiBaseUrl = this.domain.baseUrl()

    this.webClient = this.userPool.addClient("WebClient", {
      // A browser app cannot keep a secret: a public client, PKCE (oidc-client-ts) protects the code.
      generateSecret: false,
      // SRP is what a password sign-in outside the Hosted UI would use; CDK adds ALLOW_REFRESH_TOKEN_AUTH (refresh tokens).
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: config.authOrigins.map((o) => `${o}${AuthPaths.callback}`),
        logoutUrls: config.authOrigins.map((o) => `${o}${AuthPaths.signedOut}`)
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(TokenValidity.accessMinutes),
      idTokenValidity: Duration.minutes(TokenValidity.idMinutes),
      refreshTokenValidity: Duration.days(TokenValidity.refreshDays)
    })

    new CfnOutput(this, "UserPoolId", { value: this.userPool.userPoolId })
    new CfnOutput(this, "UserPoolClientId", { value: this.webClient.userPoolClientId })
    new CfnOutput(this, "HostedUiBaseUrl", { value: this.hostedUiBaseUrl })
  }
}
