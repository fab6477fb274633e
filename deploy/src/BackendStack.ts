/**
 * BackendStack: the five container-image Lambdas plus the two task functions
 * that run a second handler of the selection-worker and video-worker images
 * (caption, bundle; decision 0007), the four state machines (the JSON
 * @curator/orchestration builds for the local executor too), the
 * HTTP API and the alarms; the API verifies access tokens of AuthStack's
 * Cognito user pool and web client
 * (ARCHITECTURE.md "Deployment"; DDR-035, DDR-043).
 *
 * IAM is written statement by statement, per function, on the key prefixes
 * of `BlobKeys` (contracts/src/Records.ts): `<session>/original|thumb|enhanced|bundle/...`.
 */
import { ArnFormat, CfnOutput, Duration, Size, Stack, type StackProps } from "aws-cdk-lib"
import * as apigw from "aws-cdk-lib/aws-apigatewayv2"
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations"
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch"
import * as cwActions from "aws-cdk-lib/aws-cloudwatch-actions"
import type * as cognito from "aws-cdk-lib/aws-cognito"
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb"
import type * as ecr from "aws-cdk-lib/aws-ecr"
import * as iam from "aws-cdk-lib/aws-iam"
import * as lambda from "aws-cdk-lib/aws-lambda"
import * as logs from "aws-cdk-lib/aws-logs"
import type * as s3 from "aws-cdk-lib/aws-s3"
import * as sns from "aws-cdk-lib/aws-sns"
import * as snsSubscriptions from "aws-cdk-lib/aws-sns-subscriptions"
import * as sfn from "aws-cdk-lib/aws-stepfunctions"
import type { Construct } from "constructs"
import {
  Env,
  type FunctionSpec,
  Functions,
  imageTag,
  LAMBDA_HANDLER_CMD,
  LambdaApps,
  type DeployConfig,
  type ImageFamily,
  type LambdaApp,
  type TaskFunction,
  TaskFunctions,
  TaskFunctionSpecs
} from "./config.js"
import {
  captionDefinitionTemplate,
  downloadDefinitionTemplate,
  enhancementDefinitionTemplate,
  selectionDefinitionTemplate,
  Substitution
} from "./definitions.js"

/** What the backend is wired to. */
export interface BackendStackProps extends StackProps {
  readonly config: DeployConfig
  readonly mediaBucket: s3.IBucket
  readonly table: dynamodb.ITable
  readonly repositories: { readonly [F in ImageFamily]: ecr.IRepository }
  /** AuthStack's pool and web client: the API accepts only access tokens this client was issued. */
  readonly userPool: cognito.IUserPool
  readonly userPoolClient: cognito.IUserPoolClient
}

/** CloudFormation-friendly construct id of an app or task function (`thumbnail-worker` -> `ThumbnailWorker`). */
export const constructId = (app: LambdaApp | TaskFunction): string =>
  app
    .split("-")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("")

/** Blob key patterns (relative to the bucket) by kind, matching `BlobKeys`. */
export const BlobPatterns = {
  original: "*/original/*",
  thumb: "*/thumb/*",
  enhanced: "*/enhanced/*",
  bundle: "*/bundle/*"
} as const

/** Read-only and writing DynamoDB actions the SessionStore's DynamoDB layer uses (no Scan: that is the local stack's start-up sweep). */
const TABLE_READ = ["dynamodb:GetItem", "dynamodb:Query"]
const TABLE_WRITE = ["dynamodb:PutItem", "dynamodb:UpdateItem"]

/** The functions, the machines and the API. */
export class BackendStack extends Stack {
  readonly functions: { readonly [A in LambdaApp]: lambda.DockerImageFunction }
  readonly taskFunctions: { readonly [F in TaskFunction]: lambda.DockerImageFunction }
  readonly selectionStateMachine: sfn.StateMachine
  readonly enhancementStateMachine: sfn.StateMachine
  readonly captionStateMachine: sfn.StateMachine
  readonly downloadStateMachine: sfn.StateMachine
  readonly httpApi: apigw.HttpApi
  readonly alarmTopic: sns.Topic

  constructor(scope: Construct, id: string, props: BackendStackProps) {
    super(scope, id, props)
    const { config, mediaBucket: bucket, table } = props

    // --- Functions
    const common = { [Env.bucket]: bucket.bucketName, [Env.table]: table.tableName }
    // No parameter configured (`-c geminiKeyParameter=none`): no variable, and the AI workers stay offline.
    const gemini = config.geminiKeyParameter
    const aiWorker: Record<string, string> = gemini === null ? {} : { [Env.geminiKeyParameter]: gemini }
    /** One function: `what` names it (construct id), `app` gives the image and tag, `cmd` the handler. */
    const makeFunction = (what: LambdaApp | TaskFunction, app: LambdaApp, spec: FunctionSpec, cmd: ReadonlyArray<string>, environment: Record<string, string>) => {
      const name = constructId(what)
      return new lambda.DockerImageFunction(this, `${name}Function`, {
        description:
          what === app
            ? `Curator ${app} (${spec.image} image ${imageTag(config, app)})`
            : `Curator ${what} (${spec.image} image ${imageTag(config, app)}, ${cmd.join(" ")})`,
        code: lambda.DockerImageCode.fromEcr(props.repositories[spec.image], {
          tagOrDigest: imageTag(config, app),
          cmd: [...cmd]
        }),
        architecture: lambda.Architecture.ARM_64,
        memorySize: spec.memoryMb,
        timeout: Duration.seconds(spec.timeoutSeconds),
        ephemeralStorageSize: Size.mebibytes(spec.ephemeralStorageMb),
        ...(config.reservedConcurrency && spec.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: spec.reservedConcurrency } : {}),
        environment: { ...common, ...(spec.runsSharp ? { [Env.mallocArenaMax]: "2" } : {}), ...environment },
        logGroup: new logs.LogGroup(this, `${name}Logs`, { retention: logs.RetentionDays.ONE_MONTH })
      })
    }
    const make = (app: LambdaApp, environment: Record<string, string>) => makeFunction(app, app, Functions[app], LAMBDA_HANDLER_CMD, environment)
    const makeTask = (fn: TaskFunction, environment: Record<string, string>) => {
      const spec = TaskFunctionSpecs[fn]
      return makeFunction(fn, spec.app, spec, spec.cmd, environment)
    }
    const thumbnail = make("thumbnail-worker", {})
    const selection = make("selection-worker", aiWorker)
    const enhancement = make("enhancement-worker", aiWorker)
    const video = make("video-worker", aiWorker)
    // Second handlers of the selection-worker and video-worker images (decision 0007).
    const caption = makeTask("caption-worker", aiWorker)
    const bundle = makeTask("bundle-worker", {})

    // --- State machines (their Task resources are the workers' plain ARNs).
    const machine = (name: string, template: string, substitutions: Record<string, string>, workers: ReadonlyArray<lambda.IFunction>) => {
      const sm = new sfn.StateMachine(this, name, {
        stateMachineType: sfn.StateMachineType.STANDARD,
        definitionBody: sfn.DefinitionBody.fromString(template),
        definitionSubstitutions: substitutions
      })
      sm.addToRolePolicy(
        new iam.PolicyStatement({ sid: "InvokeWorkers", actions: ["lambda:InvokeFunction"], resources: workers.map((w) => w.functionArn) })
      )
      // The failure recorders (RecordItemFailed/RecordJobFailed/MarkJobComplete) use the DynamoDB integration (ADR 0002).
      sm.addToRolePolicy(new iam.PolicyStatement({ sid: "RecordFailures", actions: ["dynamodb:UpdateItem"], resources: [table.tableArn] }))
      return sm
    }
    this.selectionStateMachine = machine(
      "SelectionStateMachine",
      selectionDefinitionTemplate(),
      {
        [Substitution.thumbnailFunctionArn]: thumbnail.functionArn,
        [Substitution.selectionFunctionArn]: selection.functionArn,
        [Substitution.tableName]: table.tableName
      },
      [thumbnail, selection]
    )
    this.enhancementStateMachine = machine(
      "EnhancementStateMachine",
      enhancementDefinitionTemplate(),
      {
        [Substitution.photoFunctionArn]: enhancement.functionArn,
        [Substitution.videoFunctionArn]: video.functionArn,
        [Substitution.tableName]: table.tableName
      },
      [enhancement, video]
    )
    this.captionStateMachine = machine(
      "CaptionStateMachine",
      captionDefinitionTemplate(),
      { [Substitution.captionFunctionArn]: caption.functionArn, [Substitution.tableName]: table.tableName },
      [caption]
    )
    this.downloadStateMachine = machine(
      "DownloadStateMachine",
      downloadDefinitionTemplate(),
      { [Substitution.bundleFunctionArn]: bundle.functionArn, [Substitution.tableName]: table.tableName },
      [bundle]
    )
    const machines = [this.selectionStateMachine, this.enhancementStateMachine, this.captionStateMachine, this.downloadStateMachine]

    const api = make("api", {
      [Env.selectionStateMachineArn]: this.selectionStateMachine.stateMachineArn,
      [Env.enhancementStateMachineArn]: this.enhancementStateMachine.stateMachineArn,
      [Env.captionStateMachineArn]: this.captionStateMachine.stateMachineArn,
      [Env.downloadStateMachineArn]: this.downloadStateMachine.stateMachineArn,
      [Env.originVerifyParameter]: config.originVerifyParameter,
      [Env.cognitoUserPoolId]: props.userPool.userPoolId,
      [Env.cognitoClientId]: props.userPoolClient.userPoolClientId
    })
    this.functions = { api, "thumbnail-worker": thumbnail, "selection-worker": selection, "enhancement-worker": enhancement, "video-worker": video }
    this.taskFunctions = { "caption-worker": caption, "bundle-worker": bundle }

    // --- Least privilege, per function.
    const objects = (...patterns: ReadonlyArray<string>) => patterns.map((p) => bucket.arnForObjects(p))
    const allow = (fn: lambda.IFunction, sid: string, actions: ReadonlyArray<string>, resources: ReadonlyArray<string>) =>
      fn.addToRolePolicy(new iam.PolicyStatement({ sid, actions: [...actions], resources: [...resources] }))
    // A GET of a missing key answers 403 instead of 404 without s3:ListBucket, and the stores map 404 to
    // NotFoundError (the selection worker relies on it for a video's optional frames).
    const listBucket = (fn: lambda.IFunction) => allow(fn, "ListBucketFor404", ["s3:ListBucket"], [bucket.bucketArn])
    const parameterArn = (name: string) =>
      Stack.of(this).formatArn({ service: "ssm", resource: "parameter", resourceName: name.replace(/^\//, "") })

    allow(thumbnail, "ReadOriginals", ["s3:GetObject"], objects(BlobPatterns.original))
    // Writes go through lib-storage's Upload: PutObject, or a multipart upload it aborts on failure.
    const WRITE = ["s3:PutObject", "s3:AbortMultipartUpload"]
    allow(thumbnail, "WriteThumbnails", WRITE, objects(BlobPatterns.thumb))
    allow(thumbnail, "Records", [...TABLE_READ, ...TABLE_WRITE], [table.tableArn])
    listBucket(thumbnail)

    allow(selection, "ReadThumbnails", ["s3:GetObject"], objects(BlobPatterns.thumb))
    allow(selection, "Records", [...TABLE_READ, ...TABLE_WRITE], [table.tableArn])
    if (gemini !== null) {
      allow(selection, "GeminiKey", ["ssm:GetParameter"], [parameterArn(gemini)])
      // Gemini selection sends each video as its AV1/Opus WebM preview, encoded from the original.
      allow(selection, "ReadOriginals", ["s3:GetObject"], objects(BlobPatterns.original))
    }
    listBucket(selection)

    for (const [fn, sid] of [
      [enhancement, "Photo"],
      [video, "Video"]
    ] as const) {
      allow(fn, `Read${sid}Originals`, ["s3:GetObject"], objects(BlobPatterns.original))
      // Earlier rounds' outputs are read back for feedback rounds; every output is written under enhanced/.
      allow(fn, `ReadWriteEnhanced`, ["s3:GetObject", ...WRITE], objects(BlobPatterns.enhanced))
      allow(fn, "Records", [...TABLE_READ, ...TABLE_WRITE], [table.tableArn])
      if (gemini !== null) allow(fn, "GeminiKey", ["ssm:GetParameter"], [parameterArn(gemini)])
      listBucket(fn)
    }

    // The caption task reads the post, its items and the history from the table and appends its round;
    // the Gemini captioner may look at the items' thumbnails (as the selection does).
    allow(caption, "ReadThumbnails", ["s3:GetObject"], objects(BlobPatterns.thumb))
    allow(caption, "Records", [...TABLE_READ, ...TABLE_WRITE], [table.tableArn])
    if (gemini !== null) allow(caption, "GeminiKey", ["ssm:GetParameter"], [parameterArn(gemini)])
    listBucket(caption)

    // The bundle task exports originals or enhanced outputs into ZIPs under bundle/ (read back by a retry).
    allow(bundle, "ReadExports", ["s3:GetObject"], objects(BlobPatterns.original, BlobPatterns.enhanced))
    allow(bundle, "ReadWriteBundles", ["s3:GetObject", ...WRITE], objects(BlobPatterns.bundle))
    allow(bundle, "Records", [...TABLE_READ, ...TABLE_WRITE], [table.tableArn])
    listBucket(bundle)

    // The API presigns with its own credentials: a presigned PUT/GET can do only what the API may.
    allow(api, "Records", [...TABLE_READ, ...TABLE_WRITE, "dynamodb:DeleteItem"], [table.tableArn])
    allow(api, "UploadOriginals", ["s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:DeleteObject"], objects(BlobPatterns.original))
    allow(api, "ReadMedia", ["s3:GetObject"], objects(BlobPatterns.original, BlobPatterns.thumb, BlobPatterns.enhanced, BlobPatterns.bundle))
    listBucket(api)
    allow(api, "StartJobs", ["states:StartExecution"], machines.map((sm) => sm.stateMachineArn))
    allow(
      api,
      "DescribeJobs",
      ["states:DescribeExecution"],
      machines.map((sm) =>
        Stack.of(this).formatArn({ service: "states", resource: "execution", resourceName: `${sm.stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME })
      )
    )
    allow(api, "OriginVerify", ["ssm:GetParameter"], [parameterArn(config.originVerifyParameter)])

    // --- HTTP API: one $default route to the API function (payload v2). No API Gateway authorizer: the
    // adapter verifies the Cognito JWT itself (health stays open) and checks the origin-verify header.
    this.httpApi = new apigw.HttpApi(this, "HttpApi", {
      description: "Curator API (reached through CloudFront /api/*)",
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration("ApiIntegration", api, { payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0 })
    })
    new apigw.HttpStage(this, "DefaultStage", {
      httpApi: this.httpApi,
      stageName: "$default",
      autoDeploy: true,
      throttle: { rateLimit: config.apiRateLimit, burstLimit: config.apiBurstLimit }
    })

    // --- Alarms: failed and timed-out executions, Lambda errors and throttles; all to one topic.
    this.alarmTopic = new sns.Topic(this, "AlarmTopic", { displayName: "Curator alarms" })
    if (config.alarmEmail !== undefined) this.alarmTopic.addSubscription(new snsSubscriptions.EmailSubscription(config.alarmEmail))
    const alarm = (id: string, metric: cloudwatch.IMetric, description: string) => {
      const a = new cloudwatch.Alarm(this, id, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description
      })
      a.addAlarmAction(new cwActions.SnsAction(this.alarmTopic))
      return a
    }
    const period = Duration.minutes(5)
    for (const [name, sm] of [
      ["Selection", this.selectionStateMachine],
      ["Enhancement", this.enhancementStateMachine],
      ["Caption", this.captionStateMachine],
      ["Download", this.downloadStateMachine]
    ] as const) {
      alarm(`${name}ExecutionsFailed`, sm.metricFailed({ period, statistic: "Sum" }), `${name} executions failed`)
      alarm(`${name}ExecutionsTimedOut`, sm.metricTimedOut({ period, statistic: "Sum" }), `${name} executions timed out`)
    }
    for (const [app, fn] of [
      ...LambdaApps.map((app) => [app, this.functions[app]] as const),
      ...TaskFunctions.map((f) => [f, this.taskFunctions[f]] as const)
    ]) {
      alarm(`${constructId(app)}Errors`, fn.metricErrors({ period, statistic: "Sum" }), `${app} errors`)
      alarm(`${constructId(app)}Throttles`, fn.metricThrottles({ period, statistic: "Sum" }), `${app} throttles`)
    }

    new CfnOutput(this, "ApiEndpoint", { value: this.httpApi.apiEndpoint })
  }
}
