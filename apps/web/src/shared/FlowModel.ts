/**
 * The step pills' rules as pure functions: the seven steps of the flow, which
 * step a route shows, and which steps a session has reached (and the route
 * that opens each), read from `GET /api/sessions/:id` (SessionState).
 *
 * A step is reached when the session holds what it works on:
 * - Upload: always (the session exists);
 * - Select: a selection job exists;
 * - Review: that job completed;
 * - Enhance: an enhancement job of that selection exists;
 * - Group: the review is confirmed (posts are made of the kept items; the
 *   enhancement is optional: an item without one exports its original);
 * - Caption: the session has a post;
 * - Download: a download job exists.
 * While the review is reopened (not confirmed) Group, Caption and Download
 * are not reachable: the kept items are being changed.
 */
import type { SessionState } from "@curator/contracts"
import type { Route } from "../router/Route.js"

/** The steps in flow order. */
export const STEPS = [
  { id: "upload", label: "Upload" },
  { id: "select", label: "Select" },
  { id: "review", label: "Review" },
  { id: "enhance", label: "Enhance" },
  { id: "group", label: "Group" },
  { id: "caption", label: "Caption" },
  { id: "download", label: "Download" }
] as const

/** One step's id. */
export type StepId = (typeof STEPS)[number]["id"]

/** The step a route shows (start counts as Upload), or null for the not-found page. */
export const stepOf = (route: Route): StepId | null =>
  route.step === "start" ? "upload" : route.step === "notFound" ? null : route.step

/** The position of a step in {@link STEPS} (0 = Upload). */
export const stepIndex = (step: StepId): number => STEPS.findIndex((s) => s.id === step)

/**
 * The route that opens each reached step of the session (unreached steps are
 * absent). Pure: `state` is the session as the API answered it.
 */
export const reachedSteps = (sessionId: string, state: SessionState): ReadonlyMap<StepId, Route> => {
  const reached = new Map<StepId, Route>([["upload", { step: "upload", sessionId }]])
  const selection = state.selection
  if (selection === null) return reached
  reached.set("select", { step: "select", sessionId, jobId: selection.jobId })
  if (selection.status !== "complete") return reached
  reached.set("review", { step: "review", sessionId, jobId: selection.jobId })
  const enhancement = state.enhancement
  if (enhancement !== null && enhancement.selectionJobId === selection.jobId) reached.set("enhance", { step: "enhance", sessionId, jobId: enhancement.jobId })
  if (state.review === null || !state.review.confirmed) return reached
  reached.set("group", { step: "group", sessionId })
  if (state.postCount > 0) reached.set("caption", { step: "caption", sessionId, postId: null })
  if (state.download !== null) reached.set("download", { step: "download", sessionId, jobId: state.download.jobId })
  return reached
}

/**
 * What going back to the review and changing it discards, for the
 * confirmation dialog: one sentence per kind of later work the session has,
 * or an empty list when there is none (then nothing needs confirming).
 */
export const discardedByReopen = (state: Pick<SessionState, "postCount" | "download" | "enhancement">): Array<string> => {
  const lines: Array<string> = []
  if (state.postCount > 0) {
    lines.push(
      `Items you exclude are removed from their post${state.postCount === 1 ? "" : "s"} (${state.postCount} post${state.postCount === 1 ? "" : "s"} so far).`,
      "Captions of the posts that change must be written again; posts you do not touch keep theirs."
    )
  }
  if (state.download !== null) lines.push("The download must be built again.")
  if (lines.length > 0 && state.enhancement !== null) lines.push("Items you include that were not enhanced are exported as originals.")
  return lines
}
