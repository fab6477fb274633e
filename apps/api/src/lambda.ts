/**
 * The API Lambda entry (`handler`), behind an API Gateway HTTP API (payload
 * 2.0) that CloudFront reaches on `/api/*`. The conversions and checks are
 * in `LambdaAdapter.ts`; this file composes them once per cold start, on the
 * first invocation:
 *
 * - the origin-verify secret: SSM `GetParameter` (`WithDecryption`, it may be
 *   a SecureString) of the parameter named by `CURATOR_ORIGIN_VERIFY_PARAMETER`;
 * - the token verifier: aws-jwt-verify `CognitoJwtVerifier` for
 *   `CURATOR_COGNITO_USER_POOL_ID` / `CURATOR_COGNITO_CLIENT_ID` with
 *   `tokenUse: "access"` (access tokens are the ones OAuth meant for calling
 *   an API; the web app sends its access token; the JWKS is fetched from the
 *   pool's `/.well-known/jwks.json` on first use and cached);
 * - the services: `AwsStores.layerFromEnv` (S3 BlobStore, DynamoDB
 *   SessionStore and PostStore; `CURATOR_BUCKET`, `CURATOR_TABLE`), `UrlSigner.layerS3FromStorage`
 *   (presigner over the same S3 client and bucket), `SfnOrchestrator.layerFromEnv`
 *   (`CURATOR_SELECTION_STATE_MACHINE_ARN`, `CURATOR_ENHANCEMENT_STATE_MACHINE_ARN`,
 *   `CURATOR_CAPTION_STATE_MACHINE_ARN`, `CURATOR_DOWNLOAD_STATE_MACHINE_ARN`);
 *   all read `AWS_REGION`; optional stand-in endpoints for tests
 *   `CURATOR_S3_ENDPOINT`, `CURATOR_DYNAMODB_ENDPOINT`, `CURATOR_SFN_ENDPOINT`,
 *   `CURATOR_SSM_ENDPOINT`. The services live as long as the Lambda process.
 *
 * A cold start that fails (a missing variable, SSM unreachable) answers 500
 * `InternalDefectError` (details in the log) and is tried again on the next
 * invocation. Never imports the local stack, media or ai.
 */
import { SfnOrchestrator } from "@curator/orchestration/sfn"
import { AwsStores, readSecureParameter } from "@curator/store/aws"
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda"
import { CognitoJwtVerifier } from "aws-jwt-verify"
import { type Config, type Context, ConfigProvider, Effect, Layer, Scope } from "effect"
import { type ApiServices, errorResponse, makeApiHandler } from "./ApiHandler.js"
import { type ApiGatewayV2Handler, makeLambdaHandler, responseToResult, type TokenVerifier } from "./LambdaAdapter.js"
import { UrlSigner } from "./UrlSigner.js"

/** The environment the entry reads (`process.env` on Lambda). */
export type LambdaEnv = Readonly<Record<string, string | undefined>>


/**
 * The API's services on AWS (see the module doc), configured from the
 * `ConfigProvider` in context (the environment). Fails with a `ConfigError`
 * naming a missing variable.
 */
export const awsApiServices: Layer.Layer<ApiServices, Config.ConfigError> = Layer.mergeAll(
  UrlSigner.layerS3FromStorage,
  SfnOrchestrator.layerFromEnv
).pipe(Layer.provideMerge(AwsStores.layerFromEnv))

const required = (env: LambdaEnv, name: string): string => {
  const value = env[name]?.trim()
  if (value === undefined || value === "") throw new Error(`missing environment variable ${name}`)
  return value
}

/** Options of {@link makeHandler} (tests). */
export interface MakeHandlerOptions {
  /** The environment; default `process.env`. */
  readonly env?: LambdaEnv
  /** A verifier to use instead of the Cognito one built from the environment. */
  readonly verifier?: TokenVerifier
}

/** Builds everything once: secret, verifier, services, API handler. */
const coldStart = async (options: MakeHandlerOptions): Promise<ApiGatewayV2Handler> => {
  const env = options.env ?? process.env
  const region = required(env, "AWS_REGION")
  const parameter = required(env, "CURATOR_ORIGIN_VERIFY_PARAMETER")
  const verifier =
    options.verifier ??
    CognitoJwtVerifier.create({
      userPoolId: required(env, "CURATOR_COGNITO_USER_POOL_ID"),
      clientId: required(env, "CURATOR_COGNITO_CLIENT_ID"),
      tokenUse: "access"
    })
  const originSecret = await readSecureParameter({ region, name: parameter, endpoint: env.CURATOR_SSM_ENDPOINT })
  const provider = ConfigProvider.fromEnv({ env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)) })
  const scope = Effect.runSync(Scope.make())
  const services = (await Effect.runPromise(
    Layer.buildWithScope(awsApiServices.pipe(Layer.provide(ConfigProvider.layer(provider))), scope)
  )) as Context.Context<ApiServices>
  const api = makeApiHandler(services)
  return makeLambdaHandler({ handler: api.handler, originSecret, verifier })
}

/**
 * A Lambda handler whose cold-start composition runs on the first
 * invocation (and again after a failed one). Exported for tests, which pass
 * their own environment and verifier.
 */
export const makeHandler = (options: MakeHandlerOptions = {}): ApiGatewayV2Handler => {
  let ready: Promise<ApiGatewayV2Handler> | undefined
  return async (event) => {
    const started = (ready ??= coldStart(options))
    let lambda: ApiGatewayV2Handler
    try {
      lambda = await started
    } catch (error) {
      if (ready === started) ready = undefined
      console.error("curator api: cold start failed", error)
      return responseToResult(errorResponse(500, "InternalDefectError", "the API could not start (see the server log)"))
    }
    return lambda(event)
  }
}

/** The API Lambda handler (API Gateway HTTP API, payload format 2.0). */
export const handler: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2> = makeHandler()
