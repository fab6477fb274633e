import { DEFAULT_TTL_SECONDS } from "@curator/contracts"
import { Match } from "aws-cdk-lib/assertions"
import { describe, expect, it } from "vitest"
import { MEDIA_EXPIRATION_DAYS } from "../src/config.js"
import { synth } from "./support.js"

const { templates } = synth()
const storage = templates.storage

describe("media bucket", () => {
  it("is private, S3-encrypted, owner-enforced and retained", () => {
    storage.hasResource("AWS::S3::Bucket", {
      DeletionPolicy: "Retain",
      Properties: Match.objectLike({
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] }
      })
    })
  })

  it("denies every request without TLS", () => {
    storage.hasResourceProperties("AWS::S3::BucketPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } }, Principal: { AWS: "*" } })
        ])
      }
    })
  })

  it("expires media a day after the session TTL and aborts incomplete multipart uploads after 1 day", () => {
    expect(MEDIA_EXPIRATION_DAYS * 86_400).toBeGreaterThan(DEFAULT_TTL_SECONDS)
    expect(MEDIA_EXPIRATION_DAYS).toBe(Math.ceil(DEFAULT_TTL_SECONDS / 86_400) + 1)
    storage.hasResourceProperties("AWS::S3::Bucket", {
      LifecycleConfiguration: {
        Rules: [
          { Id: "expire-session-media", Status: "Enabled", ExpirationInDays: MEDIA_EXPIRATION_DAYS },
          { Id: "abort-incomplete-multipart", Status: "Enabled", AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }
        ]
      }
    })
  })

  it("allows browser PUT and GET from the web origin with ETag exposed (multipart needs it)", () => {
    storage.hasResourceProperties("AWS::S3::Bucket", {
      CorsConfiguration: {
        CorsRules: [
          Match.objectLike({
            AllowedMethods: Match.arrayWith(["PUT", "GET"]),
            AllowedOrigins: ["https://*.cloudfront.net"],
            ExposedHeaders: ["ETag"]
          })
        ]
      }
    })
  })

  it("takes the CORS origins from context", () => {
    const custom = synth({ webOrigins: "https://curator.example.com, https://d111.cloudfront.net" }).templates.storage
    custom.hasResourceProperties("AWS::S3::Bucket", {
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedOrigins: ["https://curator.example.com", "https://d111.cloudfront.net"] })] }
    })
  })
})

describe("session table", () => {
  it("has PK/SK strings, TTL on expiresAt, on-demand billing, point-in-time recovery, and is retained", () => {
    storage.resourceCountIs("AWS::DynamoDB::Table", 1)
    storage.hasResource("AWS::DynamoDB::Table", {
      DeletionPolicy: "Retain",
      Properties: {
        KeySchema: [
          { AttributeName: "PK", KeyType: "HASH" },
          { AttributeName: "SK", KeyType: "RANGE" }
        ],
        AttributeDefinitions: [
          { AttributeName: "PK", AttributeType: "S" },
          { AttributeName: "SK", AttributeType: "S" }
        ],
        BillingMode: "PAY_PER_REQUEST",
        TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true }
      }
    })
  })
})
