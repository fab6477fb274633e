/**
 * Test videos made with the real ffmpeg: an AI preview as Curator makes it (H.264 + mono AAC in
 * MP4, 5 fps) and the former format (AV1 + Opus in WebM) that the strict stand-in's codec check
 * marks FAILED. Each is made once per process (a few hundred ms) and cached.
 */
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"

const cache = new Map<string, Uint8Array>()

const make = (key: string, args: ReadonlyArray<string>, ext: string): Uint8Array => {
  const cached = cache.get(key)
  if (cached !== undefined) return cached
  const dir = mkdtempSync(path.join(tmpdir(), "curator-ai-video-"))
  try {
    const out = path.join(dir, `clip.${ext}`)
    execFileSync("/usr/bin/ffmpeg", ["-v", "error", "-nostdin", "-y", ...args, out])
    const bytes = new Uint8Array(readFileSync(out))
    cache.set(key, bytes)
    return bytes
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const sources = (seconds: number) => [
  "-f", "lavfi", "-i", `testsrc2=s=320x180:r=5:d=${seconds}`,
  "-f", "lavfi", "-i", `sine=frequency=440:sample_rate=48000:duration=${seconds}`
]

/** An H.264 (yuv420p) + mono AAC MP4 of `seconds` at 5 fps, 320x180, with `+faststart`: a preview as AiPreviewEncoder writes it. */
export const mp4Preview = (seconds = 2): Uint8Array =>
  make(`mp4-${seconds}`, [...sources(seconds), "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "32k", "-ac", "1", "-movflags", "+faststart", "-shortest"], "mp4")

/** An AV1 + Opus WebM of `seconds`: the preview format before issue 16 (not a format Gemini documents). */
export const av1WebmPreview = (seconds = 2): Uint8Array =>
  make(`av1-${seconds}`, [...sources(seconds), "-c:v", "libsvtav1", "-preset", "12", "-crf", "45", "-c:a", "libopus", "-b:a", "24k", "-ac", "1", "-shortest"], "webm")
