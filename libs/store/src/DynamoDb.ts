/**
 * The DynamoDB client as a scoped service, acquired once per cold start
 * (STYLE.md §4) and destroyed when its scope closes. The same service backs
 * SessionStore on AWS and against the local dynalite (`@curator/store/local`):
 * only the client configuration differs.
 */
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb"
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb"
import { Context, Effect, Layer } from "effect"

/** The raw client (for callers that speak the low-level API, e.g. the local Step Functions `updateItem` integration) and the DocumentClient over it. */
export interface DynamoDbService {
  readonly client: DynamoDBClient
  readonly document: DynamoDBDocumentClient
}

/**
 * SDK attempts per call: one try plus at most one quick internal retry.
 * Step Functions owns retries (ARCHITECTURE.md "Errors and retries": one
 * retry layer), so the SDK's default of 3 would multiply them.
 */
export const DYNAMODB_MAX_ATTEMPTS = 2

/** The DynamoDB client service (`curator/store/DynamoDb`). */
export class DynamoDb extends Context.Service<DynamoDb, DynamoDbService>()("curator/store/DynamoDb") {
  /**
   * Acquires a client with `config` (plus `maxAttempts: 2` unless given) and
   * a DocumentClient that drops `undefined` attributes; both are destroyed
   * when the scope closes.
   */
  static readonly make = (config: DynamoDBClientConfig) =>
    Effect.acquireRelease(
      Effect.sync((): DynamoDbService => {
        const client = new DynamoDBClient({ maxAttempts: DYNAMODB_MAX_ATTEMPTS, ...config })
        const document = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } })
        return { client, document }
      }),
      ({ client }) => Effect.sync(() => client.destroy())
    )

  /** A layer from an explicit client configuration (endpoint, region, credentials). */
  static readonly layerConfig = (config: DynamoDBClientConfig): Layer.Layer<DynamoDb> => Layer.effect(DynamoDb, DynamoDb.make(config))

  /** The AWS layer: region and credentials from the environment (the Lambda execution role). */
  static readonly layer: Layer.Layer<DynamoDb> = DynamoDb.layerConfig({})
}
