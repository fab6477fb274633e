/** Record builders shared by the SessionStore suite. */
import type { MediaItem, SelectionJobRecord, SelectionResult, SessionMeta, UploadRecord } from "@curator/contracts"

/** Epoch seconds now, and a day ahead / an hour back. */
export const nowS = () => Math.floor(Date.now() / 1000)
export const future = () => nowS() + 24 * 3600
export const past = () => nowS() - 3600

export const meta = (sessionId: string, over: Partial<SessionMeta> = {}): SessionMeta => ({
  sessionId,
  createdAt: "2025-06-01T10:00:00.000Z",
  expiresAt: future(),
  generation: 0,
  tripContext: "Lisbon, June",
  ...over
})

export const upload = (fileId: string, over: Partial<UploadRecord> = {}): UploadRecord => ({
  fileId,
  fileName: `IMG_${fileId}.HEIC`,
  mime: "image/heic",
  bytes: 2_345_678,
  key: `s/original/${fileId}.heic`,
  status: "pending",
  expiresAt: future(),
  ...over
})

export const job = (jobId: string, over: Partial<SelectionJobRecord> = {}): SelectionJobRecord => ({
  jobId,
  status: "running",
  fileCount: 3,
  tripContext: "Lisbon, June",
  targetCount: 20,
  startedAt: "2025-06-01T10:05:00.000Z",
  finishedAt: null,
  errorTag: null,
  errorMessage: null,
  result: null,
  expiresAt: future(),
  ...over
})

export const mediaItem = (fileId: string, over: Partial<MediaItem> = {}): MediaItem => ({
  fileId,
  key: `s/original/${fileId}.jpg`,
  fileName: `IMG_${fileId}.JPG`,
  kind: "photo",
  mime: "image/jpeg",
  bytes: 1_234_567,
  width: 4032,
  height: 3024,
  captureTime: { local: "2025-06-01T09:12:44", offsetMinutes: 60, utc: "2025-06-01T08:12:44.000Z", source: "exif" },
  gps: { lat: 38.7139, lon: -9.1334, alt: 41.5 },
  make: "Apple",
  model: "iPhone 14",
  orientation: 6,
  rotation: 0,
  durationSeconds: null,
  hasAudio: null,
  codec: "jpeg",
  contentHash: "9f86d081884c7d65",
  ...over
})

export const result = (picked: ReadonlyArray<string>, model = "offline"): SelectionResult => ({
  model,
  selected: picked.map((fileId, i) => ({
    rank: i + 1,
    fileId,
    kind: "photo" as const,
    scene: "Alfama",
    justification: "sharpest of its burst",
    comparisonNote: ""
  })),
  excluded: [{ fileId: "dup", reason: "near-duplicate of a sharper shot", category: "near-duplicate" as const, duplicateOf: picked[0] ?? null }],
  sceneGroups: [{ name: "Alfama", gps: { lat: 38.71, lon: -9.13, alt: null }, timeRange: { start: "2025-06-01T09:00:00", end: "2025-06-01T11:00:00" }, items: [...picked, "dup"] }]
})
