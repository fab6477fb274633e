/** Record builders of the PostStore suite (issue 7 records, Posts.ts). */
import type { CaptionJobRecord, CaptionVersion, DownloadJobRecord, DownloadPostRecord, ExportEntry, PostRecord } from "@curator/contracts"
import { future } from "./records.js"

export const post = (postId: string, over: Partial<PostRecord> = {}): PostRecord => ({
  postId,
  index: 0,
  label: "Alfama",
  fileIds: ["f1", "f2"],
  revision: 0,
  createdAt: "2025-06-01T11:00:00.000Z",
  updatedAt: "2025-06-01T11:00:00.000Z",
  expiresAt: future(),
  ...over
})

export const captionJob = (jobId: string, over: Partial<CaptionJobRecord> = {}): CaptionJobRecord => ({
  jobId,
  postId: "p1",
  status: "running",
  rounds: [],
  pendingFeedback: null,
  acceptedRound: null,
  execution: jobId,
  startedAt: "2025-06-01T11:05:00.000Z",
  finishedAt: null,
  errorTag: null,
  errorMessage: null,
  expiresAt: future(),
  ...over
})

export const version = (round: number, over: Partial<CaptionVersion> = {}): CaptionVersion => ({
  round,
  source: "generated",
  feedback: round === 0 ? null : "shorter",
  draft: { caption: `Lisbon light, take ${round}`, hashtags: ["lisbon", "alfama"], locationTag: "Lisbon, Portugal" },
  model: "offline",
  postRevision: 0,
  createdAt: "2025-06-01T11:06:00.000Z",
  ...over
})

export const entry = (fileId: string, n: number, over: Partial<ExportEntry> = {}): ExportEntry => ({
  fileId,
  key: `s/original/${fileId}.jpg`,
  entryName: `${String(n).padStart(2, "0")}-IMG_${fileId}.jpg`,
  kind: "photo",
  bytes: 1_234_567,
  ...over
})

export const downloadJob = (jobId: string, over: Partial<DownloadJobRecord> = {}): DownloadJobRecord => ({
  jobId,
  status: "running",
  keepGps: false,
  bundleBytes: 375 * 1024 * 1024,
  generation: 0,
  postRevisions: { p1: 2, p2: 0 },
  startedAt: "2025-06-01T12:00:00.000Z",
  finishedAt: null,
  errorTag: null,
  errorMessage: null,
  expiresAt: future(),
  ...over
})

export const downloadPost = (postId: string, index: number, over: Partial<DownloadPostRecord> = {}): DownloadPostRecord => ({
  postId,
  index,
  label: `post ${index}`,
  status: "pending",
  entries: [entry(`${postId}a`, 1), entry(`${postId}b`, 2)],
  bundles: [],
  errorTag: null,
  errorMessage: null,
  expiresAt: future(),
  ...over
})
