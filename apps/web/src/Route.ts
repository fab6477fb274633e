/**
 * The app's URLs, one per step, so a reload or a second tab lands on the same
 * step and re-reads its state from the session store (ARCHITECTURE.md "The
 * flow": the browser drives the user-paced steps, the session store
 * remembers them).
 *
 *   /                              start: creates a session, then goes to its upload step
 *   /s/<sessionId>/upload          pick and upload files
 *   /s/<sessionId>/select/<jobId>  selection job with live per-file progress
 *   /s/<sessionId>/review/<jobId>  the job's result: review, override, confirm
 *   /s/<sessionId>/enhance/<jobId> an enhancement job (its own id): progress, compare, feedback, accept
 */

/** A parsed location. `notFound` carries the path it could not read. */
export type Route =
  | { readonly step: "start" }
  | { readonly step: "upload"; readonly sessionId: string }
  | { readonly step: "select"; readonly sessionId: string; readonly jobId: string }
  | { readonly step: "review"; readonly sessionId: string; readonly jobId: string }
  | { readonly step: "enhance"; readonly sessionId: string; readonly jobId: string }
  | { readonly step: "notFound"; readonly path: string }

/** Ids are opaque random tokens; anything else in a path segment is refused before it reaches the API. */
const ID = /^[A-Za-z0-9_-]{1,128}$/

/** Reads a pathname (no query, no hash) into a Route; never throws. */
export const parseRoute = (pathname: string): Route => {
  const parts = pathname.split("/").filter((p) => p.length > 0)
  if (parts.length === 0) return { step: "start" }
  const [s, sessionId, step, jobId, ...rest] = parts
  if (s !== "s" || sessionId === undefined || !ID.test(sessionId) || rest.length > 0) return { step: "notFound", path: pathname }
  if (step === "upload" && jobId === undefined) return { step: "upload", sessionId }
  if ((step === "select" || step === "review" || step === "enhance") && jobId !== undefined && ID.test(jobId)) return { step, sessionId, jobId }
  return { step: "notFound", path: pathname }
}

/** The pathname of a Route; `parseRoute(routePath(r))` gives `r` back for every route but notFound. */
export const routePath = (route: Route): string => {
  switch (route.step) {
    case "start":
      return "/"
    case "upload":
      return `/s/${route.sessionId}/upload`
    case "select":
    case "review":
    case "enhance":
      return `/s/${route.sessionId}/${route.step}/${route.jobId}`
    case "notFound":
      return route.path
  }
}
