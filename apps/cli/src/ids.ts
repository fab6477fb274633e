/** Random identifiers for sessions, jobs and files. */
import { randomBytes } from "node:crypto"

/**
 * A random identifier: 16 bytes (128 bits) of CSPRNG output in base32
 * (RFC 4648 alphabet, lower case, unpadded) — 26 characters, safe in blob
 * keys, URLs and Step Functions execution names (<= 80 chars, [a-z0-9]).
 */
export const randomId = (): string => {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567"
  let bits = 0, value = 0, out = ""
  for (const b of randomBytes(16)) {
    value = ((value << 8) | b) & 0xffff
    bits += 8
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31]
  return out
}
