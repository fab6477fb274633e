/**
 * The Select step's rules as pure functions: when its poll stops, what
 * restarts the poll's backoff, the page title and each file's status words.
 */
import type { SelectionStatus } from "@curator/contracts"

/** A file's status as the list says it. */
export const FILE_LABEL = { pending: "Waiting", processing: "Processing", done: "Done", failed: "Failed" } as const

/** Whether the job still moves: it runs (complete and failed are final; a complete job moves on to the review). */
export const keepPolling = (status: Pick<SelectionStatus, "status">): boolean => status.status === "running"

/** A change worth following closely: any file moved on, or the job ended. The poll's backoff restarts when it changes. */
export const selectionSignature = (s: Pick<SelectionStatus, "status" | "counts">): string =>
  `${s.status}:${s.counts.pending}:${s.counts.processing}:${s.counts.done}:${s.counts.failed}`

/** Whether every file was processed (done or failed) and there is at least one: the selection itself runs now. */
export const allProcessed = (counts: SelectionStatus["counts"]): boolean => counts.total > 0 && counts.done + counts.failed === counts.total

/** The page title: the job stopped, the selection compares the files, or the files are still processed. */
export const selectionTitle = (s: Pick<SelectionStatus, "status" | "counts">): string =>
  s.status === "failed" ? "The selection stopped" : allProcessed(s.counts) ? "Choosing the best shots…" : "Processing your files…"
