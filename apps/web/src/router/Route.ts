/**
 * The app's URLs, one per step, so a reload or a second tab lands on the same
 * step and re-reads its state from the session store (ARCHITECTURE.md "The
 * flow": the browser drives the user-paced steps, the session store
 * remembers them).
 *
 *   /                                 start: creates a session, then goes to its upload step
 *   /s/<sessionId>/upload             pick and upload files
 *   /s/<sessionId>/select/<jobId>     selection job with live per-file progress
 *   /s/<sessionId>/review/<jobId>     the job's result: review, override, confirm
 *   /s/<sessionId>/enhance/<jobId>    an enhancement job (its own id): progress, compare, feedback, accept
 *   /s/<sessionId>/group              the kept items grouped into posts (drag and drop)
 *   /s/<sessionId>/caption[/<postId>] one post's caption (without a post: the first post)
 *   /s/<sessionId>/download[/<jobId>] the download settings, or one download job's bundles
 */

/** A parsed location. `notFound` carries the path it could not read. */
export type Route =
  | { readonly step: "start" }
  | { readonly step: "upload"; readonly sessionId: string }
  | { readonly step: "select"; readonly sessionId: string; readonly jobId: string }
  | { readonly step: "review"; readonly sessionId: string; readonly jobId: string }
  | { readonly step: "enhance"; readonly sessionId: string; readonly jobId: string }
  | { readonly step: "group"; readonly sessionId: string }
  | { readonly step: "caption"; readonly sessionId: string; readonly postId: string | null }
  | { readonly step: "download"; readonly sessionId: string; readonly jobId: string | null }
  | { readonly step: "notFound"; readonly path: string }

/** Ids are opaque random tokens; anything else in a path segment is refused before it reaches the API. */
const ID = /^[A-Za-z0-9_-]{1,128}$/

/** Reads a pathname (no query, no hash) into a Route; never throws. */
export const parseRoute = (pathname: string): Route => {
  const parts = pathname.split("/").filter((p) => p.length > 0)
  if (parts.length === 0) return { step: "start" }
  const [s, sessionId, step, id, ...rest] = parts
  if (s !== "s" || sessionId === undefined || !ID.test(sessionId) || rest.length > 0) return { step: "notFound", path: pathname }
  if ((step === "upload" || step === "group") && id === undefined) return { step, sessionId }
  if ((step === "select" || step === "review" || step === "enhance") && id !== undefined && ID.test(id)) return { step, sessionId, jobId: id }
  if (step === "caption" && (id === undefined || ID.test(id))) return { step, sessionId, postId: id ?? null }
  if (step === "download" && (id === undefined || ID.test(id))) return { step, sessionId, jobId: id ?? null }
  return { step: "notFound", path: pathname }
}

/** The pathname of a Route; `parseRoute(routePath(r))` gives `r` back for every route but notFound. */
export const routePath = (route: Route): string => {
  switch (route.step) {
    case "start":
      return "/"
    case "upload":
    case "group":
      return `/s/${route.sessionId}/${route.step}`
    case "select":
    case "review":
    case "enhance":
      return `/s/${route.sessionId}/${route.step}/${route.jobId}`
    case "caption":
      return route.postId === null ? `/s/${route.sessionId}/caption` : `/s/${route.sessionId}/caption/${route.postId}`
    case "download":
      return route.jobId === null ? `/s/${route.sessionId}/download` : `/s/${route.sessionId}/download/${route.jobId}`
    case "notFound":
      return route.path
  }
}

/** The session a route belongs to, or null (start, not found). */
export const sessionOf = (route: Route): string | null => ("sessionId" in route ? route.sessionId : null)
