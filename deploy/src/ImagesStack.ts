/**
 * ImagesStack: the two ECR repositories (light, heavy) of DDR-035. A stack of
 * its own because the repositories must exist before the pipeline pushes the
 * first `<app>-<gitsha>` images, and BackendStack's functions need those
 * images to exist when it deploys (first deployment: this stack, push, then `--all`).
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib"
import * as ecr from "aws-cdk-lib/aws-ecr"
import type { Construct } from "constructs"
import { Functions, IMAGES_KEPT_PER_APP, LambdaApps, type ImageFamily, type LambdaApp } from "./config.js"

/** Props: the repository names (shared with the apps' `docker-build` targets). */
export interface ImagesStackProps extends StackProps {
  readonly repositoryNames: { readonly [F in ImageFamily]: string }
}

/** The apps whose images live in a family's repository. */
export const appsOf = (family: ImageFamily): ReadonlyArray<LambdaApp> => LambdaApps.filter((app) => Functions[app].image === family)

/** Two ECR repositories with lifecycle rules that never delete an image a live function uses. */
export class ImagesStack extends Stack {
  readonly repositories: { readonly [F in ImageFamily]: ecr.Repository }

  constructor(scope: Construct, id: string, props: ImagesStackProps) {
    super(scope, id, props)
    const repository = (family: ImageFamily) => {
      const repo = new ecr.Repository(this, `${family === "light" ? "Light" : "Heavy"}Repository`, {
        repositoryName: props.repositoryNames[family],
        // `<app>-<gitsha>` is immutable: a tag always names the bytes that were tested and deployed.
        imageTagMutability: ecr.TagMutability.IMMUTABLE,
        imageScanOnPush: true,
        removalPolicy: RemovalPolicy.RETAIN
      })
      // Untagged manifests are layers of superseded pushes, never what a function names (functions name tags).
      repo.addLifecycleRule({ rulePriority: 1, description: "untagged after 1 day", tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(1) })
      // Per app, the newest images stay: the deployed one is the newest its app pushed (the pipeline deploys
      // right after it pushes), the rest are rollback targets. Never an age rule: a rarely changed app keeps
      // running an old image.
      appsOf(family).forEach((app, i) =>
        repo.addLifecycleRule({
          rulePriority: 10 + i,
          description: `keep the newest ${IMAGES_KEPT_PER_APP} ${app} images`,
          tagStatus: ecr.TagStatus.TAGGED,
          tagPrefixList: [`${app}-`],
          maxImageCount: IMAGES_KEPT_PER_APP
        })
      )
      return repo
    }
    this.repositories = { light: repository("light"), heavy: repository("heavy") }
    // The apps' `docker-build` targets push to these (CURATOR_ECR_LIGHT_REPOSITORY / CURATOR_ECR_HEAVY_REPOSITORY).
    new CfnOutput(this, "LightRepositoryUri", { value: this.repositories.light.repositoryUri })
    new CfnOutput(this, "HeavyRepositoryUri", { value: this.repositories.heavy.repositoryUri })
  }
}
