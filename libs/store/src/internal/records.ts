/**
 * Reading stored records: every item read is decoded with its contract
 * Schema, after two repairs for records the Step Functions DynamoDB
 * integration wrote (it only SETs the attributes its UpdateExpression names):
 * a missing nullable attribute reads as null, a missing list attribute (one
 * whose schema accepts `[]`, e.g. a caption job's `rounds` or a download
 * post's `entries`/`bundles`) as empty, and an `errorMessage` holding a
 * Lambda error Cause (`{"errorType","errorMessage","trace"}` as JSON) reads
 * as the inner message. A record that still does not decode is a defect.
 */
import { Effect, Schema } from "effect"

/** Table key attributes, stripped before decoding. */
const KEY_ATTRIBUTES = new Set(["PK", "SK"])

/** The shape of a Lambda function error's `Cause` (AWS Lambda Developer Guide, "Lambda function errors in Node.js"). */
const LambdaErrorCause = Schema.fromJsonString(Schema.Struct({ errorMessage: Schema.String }))
const decodeLambdaCause = Schema.decodeUnknownOption(LambdaErrorCause)

/**
 * `message` itself, or the `errorMessage` inside it when it is a JSON Lambda
 * error Cause (Step Functions stores `$.error.Cause` verbatim).
 */
export const normaliseErrorMessage = (message: string): string => {
  const inner = decodeLambdaCause(message)
  return inner._tag === "Some" ? inner.value.errorMessage : message
}

/** A Struct schema (decoding needs no services): its fields are read to tell the nullable ones. */
export interface RecordSchema<A> extends Schema.Codec<A, unknown> {
  readonly fields: Readonly<Record<string, Schema.Top>>
}

const acceptsNull = (field: Schema.Top): boolean => Schema.is(field as unknown as Schema.Codec<unknown, unknown>)(null)
const acceptsEmptyList = (field: Schema.Top): boolean => Schema.is(field as unknown as Schema.Codec<unknown, unknown>)([])

/**
 * Decodes one stored item as `schema`: key attributes dropped, missing
 * attributes whose schema accepts null set to null (else `[]` where it
 * accepts an empty list), `errorMessage`
 * normalised. Dies with a message naming `what` and the Schema issue.
 */
export const decodeRecord = <A>(schema: RecordSchema<A>, item: Record<string, unknown>, what: string): Effect.Effect<A> => {
  const repaired: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(item)) {
    if (!KEY_ATTRIBUTES.has(name)) repaired[name] = value
  }
  for (const [name, field] of Object.entries(schema.fields)) {
    if (name in repaired) continue
    if (acceptsNull(field)) repaired[name] = null
    else if (acceptsEmptyList(field)) repaired[name] = []
  }
  if (typeof repaired["errorMessage"] === "string") repaired["errorMessage"] = normaliseErrorMessage(repaired["errorMessage"])
  return Schema.decodeUnknownEffect(schema)(repaired).pipe(
    Effect.catch((error) => Effect.die(new Error(`malformed ${what} record in the session table: ${error.message}`)))
  )
}
