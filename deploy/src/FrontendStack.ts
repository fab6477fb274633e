/**
 * FrontendStack: the web app's bucket behind CloudFront (origin access
 * control), `/api/*` routed to the HTTP API with the origin-verify header,
 * an SPA rewrite that never touches API responses, and security headers
 * whose values (the Content-Security-Policy above all) come from
 * libs/contracts SecurityHeaders.ts, which the local server sends too
 * (ARCHITECTURE.md "Deployment", "Hardening").
 */
import { CfnOutput, Duration, Fn, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib"
import type * as apigw from "aws-cdk-lib/aws-apigatewayv2"
import * as cloudfront from "aws-cdk-lib/aws-cloudfront"
import * as origins from "aws-cdk-lib/aws-cloudfront-origins"
import * as s3 from "aws-cdk-lib/aws-s3"
import * as ssm from "aws-cdk-lib/aws-ssm"
import type { Construct } from "constructs"
import { contentSecurityPolicy, SecurityHeaderValues } from "@curator/contracts"
import { ORIGIN_VERIFY_HEADER, type DeployConfig } from "./config.js"

/** What the frontend fronts. */
export interface FrontendStackProps extends StackProps {
  readonly config: DeployConfig
  readonly httpApi: apigw.IHttpApi
  /** The media bucket: presigned uploads and `<img>`/`<video>` sources point at it (CSP). */
  readonly mediaBucket: s3.IBucket
  /**
   * AuthStack's Hosted UI base URL (`https://<prefix>.auth.<region>.amazoncognito.com`): the app
   * calls its token endpoint (code exchange and refresh) with fetch, so it is in `connect-src`.
   */
  readonly hostedUiBaseUrl: string
}

/**
 * The viewer-request function of the DEFAULT behaviour only: a path whose
 * last segment has no extension is a client-side route and gets `/index.html`.
 * `/api/*` has its own behaviour, so an API 403/404 reaches the app as sent
 * (distribution-wide `errorResponses` would turn it into index.html).
 */
export const SPA_REWRITE_CODE = `function handler(event) {
  var request = event.request;
  var last = request.uri.split("/").pop();
  if (last === "" || last.indexOf(".") === -1) request.uri = "/index.html";
  return request;
}`

/** Web bucket + CloudFront. */
export class FrontendStack extends Stack {
  readonly webBucket: s3.Bucket
  readonly distribution: cloudfront.Distribution

  constructor(scope: Construct, id: string, props: FrontendStackProps) {
    super(scope, id, props)

    this.webBucket = new s3.Bucket(this, "WebBucket", {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN
    })

    const spaRewrite = new cloudfront.Function(this, "SpaRewrite", {
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      comment: "Client-side routes -> /index.html (default behaviour only; never /api/*)",
      code: cloudfront.FunctionCode.fromInline(SPA_REWRITE_CODE)
    })

    const media = props.mediaBucket
    const headers = new cloudfront.ResponseHeadersPolicy(this, "SecurityHeaders", {
      comment: "Curator security headers",
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          // One policy for both homes (libs/contracts SecurityHeaders.ts); `curator serve` sends it without these AWS origins.
          contentSecurityPolicy: contentSecurityPolicy({
            media: [`https://${media.bucketRegionalDomainName}`, `https://${media.bucketDomainName}`],
            cognito: [`https://cognito-idp.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`, props.hostedUiBaseUrl]
          }),
          override: true
        },
        strictTransportSecurity: { accessControlMaxAge: Duration.seconds(SecurityHeaderValues.hstsMaxAgeSeconds), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true }, // nosniff, the only value
        frameOptions: { frameOption: cloudfront.HeadersFrameOption[SecurityHeaderValues.frameOptions], override: true },
        // The CDK enum's values are the header's words: "strict-origin-when-cross-origin".
        referrerPolicy: { referrerPolicy: SecurityHeaderValues.referrerPolicy as cloudfront.HeadersReferrerPolicy, override: true }
      }
    })

    // The header value is resolved by CloudFormation from SSM at deploy time (a template parameter
    // of type AWS::SSM::Parameter::Value<String>): only the parameter's NAME is in the template.
    const originVerify = ssm.StringParameter.valueForStringParameter(this, props.config.originVerifyParameter)
    // https://<id>.execute-api.<region>.amazonaws.com -> the host name.
    const apiDomain = Fn.select(2, Fn.split("/", props.httpApi.apiEndpoint))

    this.distribution = new cloudfront.Distribution(this, "Distribution", {
      comment: "Curator web app and /api/*",
      defaultRootObject: "index.html",
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.webBucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        functionAssociations: [{ function: spaRewrite, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }]
      },
      additionalBehaviors: {
        "/api/*": {
          origin: new origins.HttpOrigin(apiDomain, {
            protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
            originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
            customHeaders: { [ORIGIN_VERIFY_HEADER]: originVerify }
          }),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          // Every header, cookie and query string but Host (API Gateway routes on its own host name).
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: headers
        }
      }
    })

    new CfnOutput(this, "DistributionDomainName", { value: this.distribution.distributionDomainName })
    new CfnOutput(this, "DistributionId", { value: this.distribution.distributionId })
    new CfnOutput(this, "WebBucketName", { value: this.webBucket.bucketName })
  }
}
