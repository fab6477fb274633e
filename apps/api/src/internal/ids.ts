/**
 * Random identifiers (sessions, files, jobs): 16 bytes (128 bits) from the
 * Web Crypto CSPRNG (`crypto.getRandomValues`, present in Node, Lambda and
 * browsers) in RFC 4648 base32, lower case, unpadded: 26 characters of
 * `[a-z2-7]` ({@link RandomId} of @curator/contracts). Safe in blob keys,
 * URLs and Step Functions execution names (<= 80 characters).
 */
const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"

/** A new random 128-bit id, base32 (26 chars). */
export const randomId = (): string => {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  let bits = 0
  let value = 0
  let out = ""
  for (const b of bytes) {
    value = ((value << 8) | b) & 0xffff
    bits += 8
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31]
  return out
}
