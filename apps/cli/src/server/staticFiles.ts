/**
 * The built web app (dist/apps/web): files by path, and `index.html` for any
 * other GET (SPA routes such as `/session/<id>/review`). Never for `/api/*`
 * or `/blob/*`: those answer their own 404s, so the SPA fallback cannot mask
 * an API error (the same rule CloudFront's rewrite follows on AWS).
 */
import fs from "node:fs/promises"
import path from "node:path"

/** Content types of the files a Vite build emits. */
const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".ico": "image/x-icon",
  ".webp": "image/webp",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8"
}

/** A file to send. `immutable`: Vite's content-hashed assets may be cached for a year. */
export interface StaticFile {
  readonly path: string
  readonly contentType: string
  readonly immutable: boolean
}

const isFile = async (p: string) => (await fs.stat(p).catch(() => null))?.isFile() === true

/**
 * The file for `pathname` under `root`: the file itself when it exists
 * inside `root` (no `..` escape: the resolved path must stay under root),
 * else `index.html`; null when `root` has no index.html (the app is not built).
 */
export const resolveStatic = async (root: string, pathname: string): Promise<StaticFile | null> => {
  const base = path.resolve(root)
  let decoded: string
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    decoded = "/"
  }
  const candidate = path.resolve(base, `.${path.posix.normalize(decoded)}`)
  if (candidate.startsWith(base + path.sep) && (await isFile(candidate))) {
    const ext = path.extname(candidate).toLowerCase()
    return { path: candidate, contentType: TYPES[ext] ?? "application/octet-stream", immutable: candidate.includes(`${path.sep}assets${path.sep}`) }
  }
  const index = path.join(base, "index.html")
  return (await isFile(index)) ? { path: index, contentType: TYPES[".html"]!, immutable: false } : null
}
