import { LOCAL_CONTENT_SECURITY_POLICY, SecurityHeaderValues } from "@curator/contracts"
import { Match } from "aws-cdk-lib/assertions"
import { describe, expect, it } from "vitest"
import { SPA_REWRITE_CODE } from "../src/FrontendStack.js"
import { exportedValue, logicalId, render, synth } from "./support.js"

const { templates } = synth()
const frontend = templates.frontend
const distribution = Object.values(frontend.findResources("AWS::CloudFront::Distribution"))[0]!.Properties.DistributionConfig as Record<string, any>
const origins = distribution.Origins as ReadonlyArray<Record<string, any>>
const apiBehavior = (distribution.CacheBehaviors as ReadonlyArray<Record<string, any>>).find((b) => b.PathPattern === "/api/*")!

/** Runs the CloudFront Function's code (plain ES5, as cloudfront-js-2.0 runs it) on a viewer request. */
const rewrite = (uri: string): string => {
  const handler = new Function(`${SPA_REWRITE_CODE}; return handler;`)() as (e: { request: { uri: string } }) => { uri: string }
  return handler({ request: { uri } }).uri
}

describe("web bucket and distribution", () => {
  it("serves the private web bucket through origin access control", () => {
    frontend.hasResourceProperties("AWS::S3::Bucket", {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true }
    })
    frontend.hasResourceProperties("AWS::CloudFront::OriginAccessControl", {
      OriginAccessControlConfig: { OriginAccessControlOriginType: "s3", SigningBehavior: "always", SigningProtocol: "sigv4" }
    })
    const s3Origin = origins.find((o) => o.S3OriginConfig !== undefined)!
    expect(render(s3Origin.DomainName)).toMatch(/^WebBucket\w+\.RegionalDomainName$/)
    expect(render(s3Origin.OriginAccessControlId)).toMatch(/OriginAccessControl\w*\.Id$/)
    // The bucket policy lets CloudFront (this distribution only) read objects.
    frontend.hasResourceProperties("AWS::S3::BucketPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: "s3:GetObject", Principal: { Service: "cloudfront.amazonaws.com" }, Condition: Match.objectLike({ StringEquals: Match.anyValue() }) })
        ])
      }
    })
  })

  it("routes /api/* to the HTTP API: no caching, every method, all viewer data but Host, HTTPS only", () => {
    expect(apiBehavior.CachePolicyId).toBe("4135ea2d-6df8-44a3-9df3-4b5a84be39ad") // Managed-CachingDisabled
    expect(apiBehavior.OriginRequestPolicyId).toBe("b689b0a8-53d0-40ab-baf2-68738e2966ac") // Managed-AllViewerExceptHostHeader
    expect([...apiBehavior.AllowedMethods].sort()).toEqual(["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"])
    expect(apiBehavior.ViewerProtocolPolicy).toBe("https-only")
    expect(apiBehavior.FunctionAssociations).toBeUndefined()
    const apiOrigin = origins.find((o) => o.Id === apiBehavior.TargetOriginId)!
    expect(render(apiOrigin.DomainName)).toContain("CuratorBackend:ExportsOutputFnGetAttHttpApi")
    expect(apiOrigin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: "https-only", OriginSSLProtocols: ["TLSv1.2"] })
  })

  it("adds x-origin-verify from an SSM parameter resolved at deploy time (only its name is in the template)", () => {
    const apiOrigin = origins.find((o) => o.Id === apiBehavior.TargetOriginId)!
    expect(apiOrigin.OriginCustomHeaders).toHaveLength(1)
    const header = apiOrigin.OriginCustomHeaders[0]
    expect(header.HeaderName).toBe("x-origin-verify")
    const param = render(header.HeaderValue).replace(/^ref:/, "")
    expect(frontend.toJSON().Parameters[param]).toEqual({ Type: "AWS::SSM::Parameter::Value<String>", Default: "/curator/origin-verify" })
    const custom = synth({ originVerifyParameter: "/prod/curator/verify" }).templates.frontend.toJSON()
    expect(JSON.stringify(custom.Parameters)).toContain("/prod/curator/verify")
  })

  it("rewrites client routes on the default behaviour only, with no distribution-wide error responses", () => {
    expect(distribution.CustomErrorResponses).toBeUndefined()
    expect(distribution.DefaultCacheBehavior.FunctionAssociations).toHaveLength(1)
    expect(distribution.DefaultCacheBehavior.FunctionAssociations[0].EventType).toBe("viewer-request")
    expect(render(distribution.DefaultCacheBehavior.FunctionAssociations[0].FunctionARN)).toBe(
      `${logicalId(frontend, "AWS::CloudFront::Function", "SpaRewrite")}.FunctionARN`
    )
    frontend.hasResourceProperties("AWS::CloudFront::Function", { FunctionConfig: Match.objectLike({ Runtime: "cloudfront-js-2.0" }), FunctionCode: SPA_REWRITE_CODE })
  })

  it.each([
    ["/", "/index.html"],
    ["/review", "/index.html"],
    ["/sessions/abc/enhance/", "/index.html"],
    ["/assets/index-3f2a.js", "/assets/index-3f2a.js"],
    ["/favicon.ico", "/favicon.ico"],
    ["/index.html", "/index.html"]
  ])("the SPA rewrite maps %s to %s", (uri, expected) => {
    expect(rewrite(uri)).toBe(expected)
  })

  it("redirects HTTP to HTTPS on the default behaviour", () => {
    expect(distribution.DefaultCacheBehavior.ViewerProtocolPolicy).toBe("redirect-to-https")
    expect(distribution.DefaultRootObject).toBe("index.html")
  })
})

describe("security headers", () => {
  const policy = Object.values(frontend.findResources("AWS::CloudFront::ResponseHeadersPolicy"))[0]!.Properties.ResponseHeadersPolicyConfig
  const csp = render(policy.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy)
  const directive = (name: string) => csp.split("; ").find((d) => d.startsWith(`${name} `)) ?? ""

  it("applies to both behaviours", () => {
    const id = render(distribution.DefaultCacheBehavior.ResponseHeadersPolicyId)
    expect(render(apiBehavior.ResponseHeadersPolicyId)).toBe(id)
  })

  it("CSP: self by default; the media bucket for uploads (connect-src), images and videos; no framing", () => {
    expect(directive("default-src")).toBe("default-src 'self'")
    expect(directive("script-src")).toBe("script-src 'self'")
    for (const d of ["connect-src", "img-src", "media-src"]) {
      expect(directive(d)).toContain("https://import:CuratorStorage:ExportsOutputFnGetAttMediaBucket")
      expect(directive(d)).toMatch(/RegionalDomainName/)
    }
    expect(directive("frame-ancestors")).toBe("frame-ancestors 'none'")
    expect(directive("object-src")).toBe("object-src 'none'")
    expect(csp).not.toContain("unsafe")
  })

  it("CSP connect-src: Cognito's regional endpoint (discovery, keys) and the Hosted UI origin (token endpoint, refresh)", () => {
    const sources = directive("connect-src").split(" ")
    expect(sources).toContain("https://cognito-idp.ref:AWS::Region.ref:AWS::URLSuffix")
    const hostedUi = sources.find((s) => s.includes("amazoncognito.com"))
    expect(hostedUi).toMatch(/^https:\/\/import:CuratorAuth:ExportsOutputRefUserPoolHostedUi\w+\.auth\.ref:AWS::Region\.amazoncognito\.com$/)
    // The import is the auth stack's domain (its Ref is the prefix).
    expect(exportedValue(templates.auth, hostedUi!.replace(/^https:\/\/import:/, "").replace(/\.auth\..*$/, ""))).toBe(
      `ref:${logicalId(templates.auth, "AWS::Cognito::UserPoolDomain", "UserPoolHostedUi")}`
    )
    // Cognito's pages are navigations, not fetches: nothing else about Cognito is allowed.
    for (const d of ["script-src", "style-src", "img-src", "form-action", "frame-ancestors"]) expect(directive(d)).not.toContain("cognito")
  })

  it("HSTS, nosniff, DENY framing, strict referrer", () => {
    expect(policy.SecurityHeadersConfig).toMatchObject({
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true, Override: true },
      ContentTypeOptions: { Override: true },
      FrameOptions: { FrameOption: "DENY", Override: true },
      ReferrerPolicy: { ReferrerPolicy: "strict-origin-when-cross-origin", Override: true }
    })
    expect(SecurityHeaderValues).toMatchObject({ hstsMaxAgeSeconds: 31_536_000, frameOptions: "DENY", referrerPolicy: "strict-origin-when-cross-origin" })
  })

  it("is the policy `curator serve` sends, plus only the AWS origins (media bucket, Cognito)", () => {
    // Drop every https:// source (all of them are the bucket's and Cognito's): what is left is the local policy, word for word.
    const withoutAwsOrigins = csp
      .split("; ")
      .map((d) => d.split(" ").filter((source) => !source.startsWith("https://")).join(" "))
      .join("; ")
    expect(withoutAwsOrigins).toBe(LOCAL_CONTENT_SECURITY_POLICY)
  })
})
