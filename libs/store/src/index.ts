/**
 * @curator/store — BlobStore and SessionStore service interfaces, the
 * DynamoDB client service and the SessionStore implementation over the
 * DynamoDB API. Safe for Lambda bundles: nothing here imports dynalite (the
 * local layers live in `@curator/store/local`).
 */
export * from "./BlobStore.js"
export * from "./DynamoDb.js"
export * from "./SessionStore.js"
export * from "./PostStore.js"
