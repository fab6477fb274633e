/**
 * Access rules of the local server (ARCHITECTURE.md "Hardening", local
 * server): only 127.0.0.1; the printed token is exchanged once for an
 * HttpOnly SameSite=Strict cookie; `Host` must name this server and
 * `Origin`, when sent, must be this server's origin — a DNS-rebinding page
 * (evil.example resolving to 127.0.0.1) sends its own Host and Origin and is
 * refused (403).
 */
import { timingSafeEqual } from "node:crypto"

/** Name of the access cookie. */
export const ACCESS_COOKIE = "curator_access"

/** The Host header values this server answers to. */
export const allowedHosts = (port: number): ReadonlySet<string> => new Set([`127.0.0.1:${port}`, `localhost:${port}`])

/** The Origin header values accepted (same-origin requests of the two allowed hosts). */
export const allowedOrigins = (port: number): ReadonlySet<string> => new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`])

/** Constant-time comparison of two secrets given as strings (different lengths compare false). */
export const sameSecret = (given: string, expected: string): boolean => {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The value of cookie `name` in a `Cookie` header, or null. */
export const cookieValue = (header: string | undefined, name: string): string | null => {
  if (header === undefined) return null
  for (const part of header.split(";")) {
    const eq = part.indexOf("=")
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return null
}

/** The `Set-Cookie` value granting access: HttpOnly (no script reads it), SameSite=Strict (no cross-site request carries it), whole site. */
export const accessCookie = (token: string): string => `${ACCESS_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`
