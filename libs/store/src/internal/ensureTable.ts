/**
 * Creates the session table when it is missing and waits until it is
 * ACTIVE. Used by the local stack (and by emulator tests); on AWS the table
 * is created by CDK (StorageStack) with TTL on `expiresAt`.
 */
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { Effect, Schedule } from "effect"
import { StoreUnavailableError } from "@curator/contracts"

const nameOf = (error: unknown) => (error instanceof Error ? error.name : undefined)

/** Status of the table, or null when it does not exist. */
const describe = (client: DynamoDBClient, tableName: string) =>
  Effect.tryPromise({
    try: () => client.send(new DescribeTableCommand({ TableName: tableName })).then((out) => out.Table?.TableStatus ?? null),
    catch: (error) => error
  }).pipe(Effect.catch((error) => (nameOf(error) === "ResourceNotFoundException" ? Effect.succeed(null) : Effect.fail(error))))

/**
 * Ensures `tableName` exists with `PK` (hash) and `SK` (range) strings,
 * on-demand billing, and is ACTIVE (polled every 20 ms, up to 10 s).
 * Failures are StoreUnavailableError (the table is what the store needs).
 */
export const ensureTable = (client: DynamoDBClient, tableName: string): Effect.Effect<void, StoreUnavailableError> =>
  Effect.gen(function* () {
    const status = yield* describe(client, tableName)
    if (status === null) {
      yield* Effect.tryPromise({
        try: () =>
          client.send(
            new CreateTableCommand({
              TableName: tableName,
              AttributeDefinitions: [
                { AttributeName: "PK", AttributeType: "S" },
                { AttributeName: "SK", AttributeType: "S" }
              ],
              KeySchema: [
                { AttributeName: "PK", KeyType: "HASH" },
                { AttributeName: "SK", KeyType: "RANGE" }
              ],
              BillingMode: "PAY_PER_REQUEST"
            })
          ),
        catch: (error) => error
      }).pipe(
        // Another process or fiber created it first: fine.
        Effect.catch((error) => (nameOf(error) === "ResourceInUseException" ? Effect.void : Effect.fail(error)))
      )
    }
    yield* describe(client, tableName).pipe(
      Effect.flatMap((s) => (s === "ACTIVE" ? Effect.void : Effect.fail(new Error(`table ${tableName} is ${s ?? "missing"}`)))),
      Effect.retry({ schedule: Schedule.spaced("20 millis"), times: 500 })
    )
  }).pipe(
    Effect.mapError(
      (error) => new StoreUnavailableError({ message: `cannot prepare table ${tableName}: ${error instanceof Error ? error.message : String(error)}` })
    )
  )
