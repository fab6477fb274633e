/**
 * The Download step's rules as pure functions: sizes for people, when the
 * job's poll stops, and the default bundle size shown (DEFAULT_BUNDLE_BYTES
 * from the contract: the API's default when the request names none).
 */
import type { DownloadStatus } from "@curator/contracts"
import { DEFAULT_BUNDLE_BYTES } from "@curator/contracts"

/** Bundle size shown before a job exists: the contract's default (375 MiB). */
export const DEFAULT_BUNDLE_SIZE = DEFAULT_BUNDLE_BYTES

/**
 * A byte count for people in binary units with the usual short names (as
 * the bundle limit is defined: 375 MiB shows "375 MB"): B below 1 KiB, then
 * KB, MB, GB with one decimal below 10 and none above.
 */
export const formatBytes = (bytes: number): string => {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.round(bytes))} B`
  const units = ["KB", "MB", "GB", "TB"] as const
  let value = bytes / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return `${value < 10 ? value.toFixed(1).replace(/\.0$/, "") : Math.round(value)} ${units[unit]}`
}

/** Whether the download still moves: the job runs or a post is pending or processing (the status route's rule). */
export const keepPolling = (status: Pick<DownloadStatus, "status" | "posts">): boolean =>
  status.status === "running" || status.posts.some((p) => p.status === "processing" || (status.status === "running" && p.status === "pending"))

/** A fingerprint of a download's progress; the poll's backoff restarts when it changes. */
export const downloadSignature = (status: DownloadStatus): string => [status.status, ...status.posts.map((p) => `${p.postId}:${p.status}:${p.bundles.length}`)].join("|")

/** Total bytes of a post's bundles. */
export const postBytes = (post: Pick<DownloadStatus["posts"][number], "bundles">): number => post.bundles.reduce((n, b) => n + b.bytes, 0)
