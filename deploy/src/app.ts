/**
 * Builds the Curator CDK app: ImagesStack, StorageStack, AuthStack, BackendStack,
 * FrontendStack and the two pipeline stacks, wired in dependency order. No context lookups: stacks are
 * environment-agnostic unless `-c account=... -c region=...` are given, so
 * `cdk synth` runs offline. Tests call it with their own context.
 */
import { App, Tags, type AppProps } from "aws-cdk-lib"
import { AuthStack } from "./AuthStack.js"
import { BackendStack } from "./BackendStack.js"
import { DEFAULT_AUTH_ORIGIN, readConfig, type DeployConfig } from "./config.js"
import { FrontendStack } from "./FrontendStack.js"
import { ImagesStack } from "./ImagesStack.js"
import { BackendPipelineStack, FrontendPipelineStack } from "./PipelineStacks.js"
import { StorageStack } from "./StorageStack.js"

/** Stack names (CloudFormation stack names, `cdk deploy <name>`). */
export const StackNames = {
  images: "CuratorImages",
  storage: "CuratorStorage",
  auth: "CuratorAuth",
  backend: "CuratorBackend",
  frontend: "CuratorFrontend",
  backendPipeline: "CuratorBackendPipeline",
  frontendPipeline: "CuratorFrontendPipeline"
} as const

/**
 * The stacks `nx run infra:deploy` (and so the backend pipeline) updates. The
 * pipeline stacks are deployed by hand once (`cdk deploy CuratorBackendPipeline
 * --parameters ConnectionArn=...`): a pipeline never redeploys itself mid-run.
 */
export const AppStacks = [StackNames.images, StackNames.storage, StackNames.auth, StackNames.backend, StackNames.frontend] as const

/** The app and its stacks. */
export interface CuratorApp {
  readonly app: App
  readonly config: DeployConfig
  readonly images: ImagesStack
  readonly storage: StorageStack
  readonly auth: AuthStack
  readonly backend: BackendStack
  readonly frontend: FrontendStack
  readonly backendPipeline: BackendPipelineStack
  readonly frontendPipeline: FrontendPipelineStack
}

/**
 * Environment variables read when the context key is absent: `nx affected -t deploy` cannot pass
 * `-c` to one project only, so the backend pipeline exports these (docker-build reads the same sha).
 */
export const ContextFromEnv: Readonly<Record<string, string>> = {
  gitSha: "CURATOR_GIT_SHA",
  imageTags: "CURATOR_IMAGE_TAGS",
  webOrigins: "CURATOR_WEB_ORIGINS"
}

/**
 * Creates every stack. `props.context` takes the `-c` keys of {@link readConfig};
 * `env` (default `process.env`) supplies {@link ContextFromEnv}.
 */
export const buildApp = (props: AppProps = {}, env: Readonly<Record<string, string | undefined>> = process.env): CuratorApp => {
  // Cross-stack references stay CloudFormation exports (a consumer stack can never lose its producer).
  const app = new App({ ...props, context: { "@aws-cdk/core:defaultCrossStackReferences": "strong", ...props.context } })
  const config = readConfig((key) => {
    const fromEnv = ContextFromEnv[key]
    return app.node.tryGetContext(key) ?? (fromEnv === undefined ? undefined : env[fromEnv])
  })
  const stackEnv = config.account !== undefined || config.region !== undefined ? { env: { account: config.account, region: config.region } } : {}
  Tags.of(app).add("project", "curator")

  const images = new ImagesStack(app, StackNames.images, { ...stackEnv, repositoryNames: config.repositoryNames })
  const storage = new StorageStack(app, StackNames.storage, { ...stackEnv, corsOrigins: config.webOrigins })
  // Before the backend and the frontend: its callback URLs come from context, not from the distribution.
  const auth = new AuthStack(app, StackNames.auth, { ...stackEnv, config })
  const backend = new BackendStack(app, StackNames.backend, {
    ...stackEnv,
    config,
    mediaBucket: storage.mediaBucket,
    table: storage.table,
    repositories: images.repositories,
    userPool: auth.userPool,
    userPoolClient: auth.webClient
  })
  const frontend = new FrontendStack(app, StackNames.frontend, {
    ...stackEnv,
    config,
    httpApi: backend.httpApi,
    mediaBucket: storage.mediaBucket,
    hostedUiBaseUrl: auth.hostedUiBaseUrl
  })
  const backendPipeline = new BackendPipelineStack(app, StackNames.backendPipeline, {
    ...stackEnv,
    repositories: images.repositories,
    // The pipeline's infra:deploy must keep the web origins (Cognito callbacks, CORS): the ones given
    // when this stack is deployed, else the distribution's own domain (it exists by then).
    webOrigins: config.authOrigins.includes(DEFAULT_AUTH_ORIGIN)
      ? `https://${frontend.distribution.distributionDomainName}`
      : config.webOrigins.join(",")
  })
  const frontendPipeline = new FrontendPipelineStack(app, StackNames.frontendPipeline, {
    ...stackEnv,
    webBucket: frontend.webBucket,
    distribution: frontend.distribution,
    cognito: { userPoolId: auth.userPool.userPoolId, clientId: auth.webClient.userPoolClientId, hostedUiBaseUrl: auth.hostedUiBaseUrl }
  })
  return { app, config, images, storage, auth, backend, frontend, backendPipeline, frontendPipeline }
}
