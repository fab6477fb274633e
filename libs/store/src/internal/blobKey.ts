/**
 * Blob key grammar shared by every BlobStore layer. A key doubles as a path
 * under the local root, so it must never escape it; S3 accepts these keys
 * unchanged (they are a subset of S3's "safe characters", AWS S3 User Guide,
 * "Naming Amazon S3 objects").
 */
import { InvalidInputError } from "@curator/contracts"
import { Effect } from "effect"

/** One key segment: letters, digits, `.`, `_`, `-` (no spaces, no control characters, no backslash). */
const SEGMENT = /^[A-Za-z0-9._-]+$/

/** Longest key accepted, in characters (S3's limit is 1,024 bytes of UTF-8; our keys are ASCII). */
export const MAX_KEY_LENGTH = 1024

/** Why `key` is not a valid blob key, or null when it is. `prefix` allows an empty string and a trailing `/`. */
export const keyProblem = (key: string, kind: "key" | "prefix"): string | null => {
  if (kind === "prefix" && key === "") return null
  if (key.length === 0) return "is empty"
  if (key.length > MAX_KEY_LENGTH) return `is longer than ${MAX_KEY_LENGTH} characters`
  if (key.startsWith("/")) return "starts with '/'"
  const body = kind === "prefix" && key.endsWith("/") ? key.slice(0, -1) : key
  for (const segment of body.split("/")) {
    if (segment === "") return "has an empty segment ('//' or a trailing '/')"
    if (segment === "." || segment === "..") return `has a '${segment}' segment`
    if (!SEGMENT.test(segment)) return `has a segment with characters outside [A-Za-z0-9._-]: ${JSON.stringify(segment)}`
  }
  return null
}

/** Succeeds with `key` when it is a valid blob key (or prefix), else fails with InvalidInputError. */
export const validateKey = (key: string, kind: "key" | "prefix" = "key"): Effect.Effect<string, InvalidInputError> => {
  const problem = keyProblem(key, kind)
  return problem === null
    ? Effect.succeed(key)
    : Effect.fail(new InvalidInputError({ message: `invalid blob ${kind} ${JSON.stringify(key)}: ${problem}` }))
}
