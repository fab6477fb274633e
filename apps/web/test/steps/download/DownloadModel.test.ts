import type { DownloadStatus } from "@curator/contracts"
import { describe, expect, it } from "vitest"
import { DEFAULT_BUNDLE_SIZE, downloadSignature, formatBytes, keepPolling, postBytes } from "../../../src/steps/download/DownloadModel.js"

const post = (status: "pending" | "processing" | "done" | "failed", bundles: Array<{ name: string; bytes: number; entries: Array<string> }> = []) => ({
  postId: "p".repeat(26),
  index: 0,
  label: "",
  status,
  reason: null,
  entries: [],
  bundles
})

describe("DownloadModel", () => {
  it("shows sizes in binary units (the 375 MiB default reads 375 MB)", () => {
    expect(formatBytes(DEFAULT_BUNDLE_SIZE)).toBe("375 MB")
    expect(formatBytes(512)).toBe("512 B")
    expect(formatBytes(1536)).toBe("1.5 KB")
    expect(formatBytes(3 * 1024 * 1024)).toBe("3 MB")
    expect(formatBytes(25 * 1024 * 1024 * 1024)).toBe("25 GB")
  })

  it("polls while the job runs or a post is still being bundled", () => {
    expect(keepPolling({ status: "running", posts: [post("done")] })).toBe(true)
    expect(keepPolling({ status: "complete", posts: [post("done"), post("failed")] })).toBe(false)
    // A failed job's pending posts will not move.
    expect(keepPolling({ status: "failed", posts: [post("pending")] })).toBe(false)
  })

  it("sums a post's bundles and fingerprints progress", () => {
    expect(postBytes(post("done", [{ name: "a", bytes: 10, entries: [] }, { name: "b", bytes: 5, entries: [] }]))).toBe(15)
    const base = { jobId: "j", status: "running", error: null, keepGps: false, bundleBytes: 1, startedAt: "", finishedAt: null, stale: false, counts: { total: 1, pending: 0, processing: 0, done: 1, failed: 0 } } as const
    const a: DownloadStatus = { ...base, posts: [post("processing")] }
    const b: DownloadStatus = { ...base, posts: [post("done", [{ name: "a", bytes: 1, entries: [] }])] }
    expect(downloadSignature(a)).not.toBe(downloadSignature(b))
  })
})
