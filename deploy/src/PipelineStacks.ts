/**
 * FrontendPipelineStack and BackendPipelineStack: CodePipeline (V2) + CodeBuild
 * on arm64 with a full git clone, driven by `nx affected` against the last
 * deployed commit kept in SSM (ARCHITECTURE.md "Deployment"; the departure
 * from DDR-035's "no change detection" is recorded in docs/decisions/).
 *
 * Backend: `docker-build` for every affected Lambda app (each pushes
 * `<app>-<sha>`), the per-app tag recorded in SSM, then `deploy` for the
 * affected deploy owners but `web` (i.e. `infra`, which depends on every
 * Lambda app), with `CURATOR_IMAGE_TAGS` naming each app's newest image.
 * Frontend: `deploy` for the affected deploy owners but `infra` (i.e. `web`).
 * No recorded commit (`none`) or one missing from the clone: everything.
 *
 * The source is a CodeStar connection whose ARN, repository and branch are
 * CloudFormation parameters (a connection is created and approved out of band).
 */
import { CfnParameter, Stack, type StackProps } from "aws-cdk-lib"
import * as codebuild from "aws-cdk-lib/aws-codebuild"
import * as codepipeline from "aws-cdk-lib/aws-codepipeline"
import * as actions from "aws-cdk-lib/aws-codepipeline-actions"
import type * as cloudfront from "aws-cdk-lib/aws-cloudfront"
import type * as ecr from "aws-cdk-lib/aws-ecr"
import * as iam from "aws-cdk-lib/aws-iam"
import type * as s3 from "aws-cdk-lib/aws-s3"
import * as ssm from "aws-cdk-lib/aws-ssm"
import type { Construct } from "constructs"
import { LambdaApps, type ImageFamily } from "./config.js"

/** SSM parameter names the pipelines keep their state in (value `none` until the first successful run). */
export const PipelineParameters = {
  backendDeployedCommit: "/curator/pipeline/backend/deployed-commit",
  frontendDeployedCommit: "/curator/pipeline/frontend/deployed-commit",
  /** + `<app>`: the newest pushed tag of the app (`<app>-<sha>`). */
  imageTagPrefix: "/curator/pipeline/images/"
} as const

/** The CodeBuild image: Amazon Linux 2023 on arm64, the architecture of the images and the functions. */
const BUILD_IMAGE = codebuild.LinuxArmBuildImage.AMAZON_LINUX_2023_STANDARD_3_0

/** Shell lines that set `NX_SCOPE` to `affected --base=<last deployed> --head=HEAD`, or `run-many` when there is none. */
const affectedScope = (parameterVariable: string): ReadonlyArray<string> => [
  "export PATH=\"$PWD/node_modules/.bin:$PATH\"",
  "export CURATOR_GIT_SHA=$(git rev-parse HEAD)",
  `BASE=$(aws ssm get-parameter --name "$${parameterVariable}" --query Parameter.Value --output text)`,
  'if [ "$BASE" != none ] && git cat-file -e "$BASE^{commit}" 2>/dev/null; then export NX_SCOPE="affected --base=$BASE --head=HEAD"; else export NX_SCOPE="run-many"; fi',
  'echo "nx scope: $NX_SCOPE"'
]

/** The buildspec's install phase: the workspace's pinned Node (npm package `node`) and its dependencies. */
const install = { commands: ["git fetch --unshallow 2>/dev/null || true", "npm ci --no-audit --no-fund"] }

/** Props shared by both pipelines. */
interface SourceParams {
  readonly connectionArn: string
  readonly owner: string
  readonly repo: string
  readonly branch: string
}

/** The CloudFormation parameters of the source. */
const sourceParameters = (stack: Stack): SourceParams => ({
  connectionArn: new CfnParameter(stack, "ConnectionArn", { type: "String", description: "ARN of an approved CodeStar (CodeConnections) connection to the git host" })
    .valueAsString,
  owner: new CfnParameter(stack, "RepositoryOwner", { type: "String", description: "Owner of the Curator repository" }).valueAsString,
  repo: new CfnParameter(stack, "RepositoryName", { type: "String", default: "curator", description: "Name of the Curator repository" }).valueAsString,
  branch: new CfnParameter(stack, "Branch", { type: "String", default: "main", description: "Branch to deploy" }).valueAsString
})

/** A two-stage pipeline: full-clone source, then one CodeBuild project. */
const pipeline = (stack: Stack, source: SourceParams, project: codebuild.PipelineProject) => {
  const checkout = new codepipeline.Artifact("Source")
  // CodeBuild clones the repository itself (full history, so `nx affected` can diff against any commit).
  project.addToRolePolicy(new iam.PolicyStatement({ actions: ["codestar-connections:UseConnection", "codeconnections:UseConnection"], resources: [source.connectionArn] }))
  return new codepipeline.Pipeline(stack, "Pipeline", {
    pipelineType: codepipeline.PipelineType.V2,
    crossAccountKeys: false,
    restartExecutionOnUpdate: false,
    stages: [
      {
        stageName: "Source",
        actions: [
          new actions.CodeStarConnectionsSourceAction({
            actionName: "Checkout",
            connectionArn: source.connectionArn,
            owner: source.owner,
            repo: source.repo,
            branch: source.branch,
            output: checkout,
            codeBuildCloneOutput: true
          })
        ]
      },
      { stageName: "BuildAndDeploy", actions: [new actions.CodeBuildAction({ actionName: "NxAffected", project, input: checkout })] }
    ]
  })
}

/** A pipeline-state parameter (String, `none` until the first run) the project reads and writes. */
const stateParameter = (stack: Stack, id: string, name: string, project: codebuild.PipelineProject) => {
  const parameter = new ssm.StringParameter(stack, id, { parameterName: name, stringValue: "none", description: "Curator pipeline state" })
  parameter.grantRead(project)
  parameter.grantWrite(project)
  return parameter
}

/** Lets CodeBuild run `cdk deploy` through the CDK bootstrap roles (deploy, file publishing, lookup). */
const allowCdkDeploy = (stack: Stack, project: codebuild.PipelineProject) =>
  project.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ["sts:AssumeRole"],
      resources: [stack.formatArn({ service: "iam", region: "", resource: "role", resourceName: "cdk-hnb659fds-*" })]
    })
  )

/** Props of the backend pipeline. */
export interface BackendPipelineStackProps extends StackProps {
  readonly repositories: { readonly [F in ImageFamily]: ecr.IRepository }
  /**
   * `CURATOR_WEB_ORIGINS` for `infra:deploy` (the app reads it when `-c webOrigins` is absent), so a
   * pipeline deploy keeps the Cognito callback URLs and the bucket's CORS origin (comma-separated origins).
   */
  readonly webOrigins: string
}

/** Source -> CodeBuild: `nx affected -t docker-build`, record tags, `nx affected -t deploy` (infra). */
export class BackendPipelineStack extends Stack {
  readonly project: codebuild.PipelineProject
  readonly pipeline: codepipeline.Pipeline

  constructor(scope: Construct, id: string, props: BackendPipelineStackProps) {
    super(scope, id, props)
    const source = sourceParameters(this)
    const tagParameters = LambdaApps.map((app) => `${PipelineParameters.imageTagPrefix}${app}`)

    this.project = new codebuild.PipelineProject(this, "Build", {
      description: "Curator backend: nx affected -t docker-build, then nx affected -t deploy",
      environment: { buildImage: BUILD_IMAGE, computeType: codebuild.ComputeType.LARGE, privileged: true },
      environmentVariables: {
        CURATOR_ECR_LIGHT_REPOSITORY: { value: props.repositories.light.repositoryUri },
        CURATOR_ECR_HEAVY_REPOSITORY: { value: props.repositories.heavy.repositoryUri },
        DEPLOYED_COMMIT_PARAMETER: { value: PipelineParameters.backendDeployedCommit },
        IMAGE_TAG_PARAMETER_PREFIX: { value: PipelineParameters.imageTagPrefix },
        CURATOR_WEB_ORIGINS: { value: props.webOrigins },
        CDK_DISABLE_CLI_TELEMETRY: { value: "true" },
        NX_DAEMON: { value: "false" }
      },
      buildSpec: codebuild.BuildSpec.fromObject({
        version: "0.2",
        env: { shell: "bash" },
        phases: {
          install,
          pre_build: {
            commands: [
              ...affectedScope("DEPLOYED_COMMIT_PARAMETER"),
              'aws ecr get-login-password | docker login --username AWS --password-stdin "${CURATOR_ECR_LIGHT_REPOSITORY%%/*}"'
            ]
          },
          build: {
            commands: [
              // Each affected Lambda app bundles, builds and pushes <app>-<sha> (apps/<app> docker-build).
              "npx nx $NX_SCOPE -t docker-build --parallel=1",
              'AFFECTED_FLAGS=$([ "$NX_SCOPE" = run-many ] || echo "--affected --base=$BASE --head=HEAD")',
              'for app in $(npx nx show projects $AFFECTED_FLAGS --withTarget docker-build); do aws ssm put-parameter --name "$IMAGE_TAG_PARAMETER_PREFIX$app" --value "$app-$CURATOR_GIT_SHA" --type String --overwrite; done',
              // Every app's newest image (an unaffected app keeps the tag it was last built with).
              `TAGS=""; for app in ${LambdaApps.join(" ")}; do t=$(aws ssm get-parameter --name "$IMAGE_TAG_PARAMETER_PREFIX$app" --query Parameter.Value --output text); if [ "$t" != none ]; then TAGS="$TAGS\\"$app\\":\\"$t\\","; fi; done; export CURATOR_IMAGE_TAGS="{\${TAGS%,}}"`,
              'echo "image tags: $CURATOR_IMAGE_TAGS"',
              // infra depends on every Lambda app, so any new image makes it affected; web has its own pipeline.
              "npx nx $NX_SCOPE -t deploy --exclude=web --parallel=1",
              'aws ssm put-parameter --name "$DEPLOYED_COMMIT_PARAMETER" --value "$CURATOR_GIT_SHA" --type String --overwrite'
            ]
          }
        }
      })
    })
    props.repositories.light.grantPullPush(this.project)
    props.repositories.heavy.grantPullPush(this.project)
    stateParameter(this, "DeployedCommit", PipelineParameters.backendDeployedCommit, this.project)
    LambdaApps.forEach((app, i) => stateParameter(this, `ImageTag${i}`, tagParameters[i]!, this.project))
    allowCdkDeploy(this, this.project)
    this.pipeline = pipeline(this, source, this.project)
  }
}

/** Props of the frontend pipeline. */
export interface FrontendPipelineStackProps extends StackProps {
  readonly webBucket: s3.IBucket
  readonly distribution: cloudfront.IDistribution
  /**
   * AuthStack's values for the web app's `config.json` (tools/scripts/web-config.mjs):
   * `CURATOR_COGNITO_USER_POOL_ID`, `CURATOR_COGNITO_CLIENT_ID`, `CURATOR_COGNITO_DOMAIN`
   * (the Hosted UI base URL); `AWS_REGION` is CodeBuild's own.
   */
  readonly cognito: { readonly userPoolId: string; readonly clientId: string; readonly hostedUiBaseUrl: string }
}

/** Source -> CodeBuild: `nx affected -t deploy` for `web` (build, sync to the bucket, invalidate). */
export class FrontendPipelineStack extends Stack {
  readonly project: codebuild.PipelineProject
  readonly pipeline: codepipeline.Pipeline

  constructor(scope: Construct, id: string, props: FrontendPipelineStackProps) {
    super(scope, id, props)
    const source = sourceParameters(this)

    this.project = new codebuild.PipelineProject(this, "Build", {
      description: "Curator frontend: nx affected -t deploy (web: build, s3 sync, CloudFront invalidation)",
      environment: { buildImage: BUILD_IMAGE, computeType: codebuild.ComputeType.LARGE },
      environmentVariables: {
        CURATOR_WEB_BUCKET: { value: props.webBucket.bucketName },
        CURATOR_DISTRIBUTION_ID: { value: props.distribution.distributionId },
        CURATOR_COGNITO_USER_POOL_ID: { value: props.cognito.userPoolId },
        CURATOR_COGNITO_CLIENT_ID: { value: props.cognito.clientId },
        CURATOR_COGNITO_DOMAIN: { value: props.cognito.hostedUiBaseUrl },
        DEPLOYED_COMMIT_PARAMETER: { value: PipelineParameters.frontendDeployedCommit },
        NX_DAEMON: { value: "false" }
      },
      buildSpec: codebuild.BuildSpec.fromObject({
        version: "0.2",
        env: { shell: "bash" },
        phases: {
          install,
          pre_build: { commands: [...affectedScope("DEPLOYED_COMMIT_PARAMETER")] },
          build: {
            commands: [
              "npx nx $NX_SCOPE -t deploy --exclude=infra --parallel=1",
              'aws ssm put-parameter --name "$DEPLOYED_COMMIT_PARAMETER" --value "$CURATOR_GIT_SHA" --type String --overwrite'
            ]
          }
        }
      })
    })
    props.webBucket.grantReadWrite(this.project)
    props.webBucket.grantDelete(this.project)
    this.project.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"],
        resources: [this.formatArn({ service: "cloudfront", region: "", resource: "distribution", resourceName: props.distribution.distributionId })]
      })
    )
    stateParameter(this, "DeployedCommit", PipelineParameters.frontendDeployedCommit, this.project)
    this.pipeline = pipeline(this, source, this.project)
  }
}
