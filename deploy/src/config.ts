/**
 * The deployment's fixed facts in one place: the five Lambda functions (image,
 * memory, timeout, ephemeral storage, reserved concurrency), the names shared
 * with the Lambda entries and the pipelines, and the context the app reads.
 * Stacks only turn these into resources; tests read them to know what to expect.
 */
import { DEFAULT_TTL_SECONDS } from "@curator/contracts"
import {
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
    memoryMb: 512,
    timeoutSeconds: 900,
    ephemeralStorageMb: 4096,
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
  /** SSM SecureString parameter with the Gemini API key, created out of band (context `geminiKeyParameter`). */
  readonly geminiKeyParameter: string
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
  /** API stage throttling (context `apiRateLimit` requests/s, `apiBurstLimit` requests). */
  readonly apiRateLimit: number
  readonly apiBurstLimit: number
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
  return {
    gitSha: str("gitSha") ?? "dev",
    imageTags: imageTags as Partial<Record<LambdaApp, string>>,
    account: str("account"),
    region: str("region"),
    repositoryNames: { light: str("lightRepositoryName") ?? "curator-lambda-light", heavy: str("heavyRepositoryName") ?? "curator-lambda-heavy" },
    originVerifyParameter: str("originVerifyParameter") ?? DefaultParameters.originVerify,
    geminiKeyParameter: str("geminiKeyParameter") ?? DefaultParameters.geminiKey,
    reservedConcurrency: str("reservedConcurrency") !== "false",
    alarmEmail: str("alarmEmail"),
    webOrigins: (str("webOrigins") ?? "https://*.cloudfront.net").split(",").map((o) => o.trim()).filter((o) => o !== ""),
    apiRateLimit: num("apiRateLimit", 50),
    apiBurstLimit: num("apiBurstLimit", 100)
  }
}

/** The immutable image tag of an app: `<app>-<gitSha>` unless `imageTags` overrides it. */
export const imageTag = (config: DeployConfig, app: LambdaApp): string => config.imageTags[app] ?? `${app}-${config.gitSha}`
