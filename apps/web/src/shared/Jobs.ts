/**
 * How the job steps (select, enhance, download) show progress, as pure
 * functions: an item's share of its bar, the bars' tones, the job badge's
 * word.
 */

/** A job's status (SelectionStatus, EnhancementStatus, DownloadStatus). */
export type JobState = "running" | "complete" | "failed"

/** An item's status within a job. */
export type ItemState = "pending" | "processing" | "done" | "failed"

/** The colour of a progress bar (ProgressBar `tone`). */
export type Tone = "normal" | "done" | "failed"

/** The job badge's word. */
export const jobLabel = (status: JobState): string => (status === "running" ? "Running" : status === "complete" ? "Complete" : "Failed")

/** The tone of a job's total bar: failed, done once every item finished (and there is one), else normal. */
export const jobTone = (status: JobState, finished: number, total: number): Tone =>
  status === "failed" ? "failed" : total > 0 && finished === total ? "done" : "normal"

/** An item's bar: nothing while pending, half while it runs (a task reports no finer progress), full when it ended. */
export const itemFraction = (status: ItemState): number => (status === "pending" ? 0 : status === "processing" ? 0.5 : 1)

/** An item's bar tone: failed, done, else normal. */
export const itemTone = (status: ItemState): Tone => (status === "failed" ? "failed" : status === "done" ? "done" : "normal")

/** Items that ended (done or failed) and their share of `total` (0 for an empty job). */
export const finishedOf = (counts: { readonly total: number; readonly done: number; readonly failed: number }) => {
  const finished = counts.done + counts.failed
  return { finished, fraction: counts.total === 0 ? 0 : finished / counts.total }
}
