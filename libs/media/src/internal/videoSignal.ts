/**
 * Parsers for the text ffmpeg writes while measuring a video: the `metadata=mode=print`
 * log of `signalstats`, and libvidstab's ASCII transforms file (`vidstabdetect result=`).
 * Pure functions over strings, so they are tested without ffmpeg.
 */
import { Schema } from "effect"

/** Means of `signalstats` YAVG / YMIN / YMAX / SATAVG (8-bit code values) over `frames` frames. */
export interface SignalMeans {
  readonly yavg: number
  readonly ymin: number
  readonly ymax: number
  readonly satavg: number
  readonly frames: number
}

/**
 * Reads a `metadata=mode=print` log: blocks start with `frame:N pts:... pts_time:...`,
 * followed by `lavfi.signalstats.KEY=VALUE` lines. Frames missing a key are skipped for
 * that key's mean. No frames -> all means 0 and `frames` 0.
 */
export const parseSignalStats = (log: string): SignalMeans => {
  const sums = { YAVG: 0, YMIN: 0, YMAX: 0, SATAVG: 0 }
  const counts = { YAVG: 0, YMIN: 0, YMAX: 0, SATAVG: 0 }
  let frames = 0
  for (const line of log.split(/\r?\n/)) {
    if (line.startsWith("frame:")) {
      frames += 1
      continue
    }
    const match = /^lavfi\.signalstats\.(YAVG|YMIN|YMAX|SATAVG)=([-+0-9.eE]+)$/.exec(line.trim())
    if (match === null) continue
    const key = match[1] as keyof typeof sums
    const value = Number(match[2])
    if (!Number.isFinite(value)) continue
    sums[key] += value
    counts[key] += 1
  }
  const mean = (key: keyof typeof sums) => (counts[key] > 0 ? sums[key] / counts[key] : 0)
  return { yavg: mean("YAVG"), ymin: mean("YMIN"), ymax: mean("YMAX"), satavg: mean("SATAVG"), frames }
}

const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

/**
 * The shake estimate from a libvidstab ASCII transforms file (format "VID.STAB 1": one
 * `Frame N (List K [(LM vx vy fx fy size contrast match),...])` line per frame, where
 * (vx, vy) is a local motion vector in px between this frame and the previous one).
 *
 * Per frame, the global motion is the component-wise median of its local vectors (robust to
 * subjects moving inside the frame). Shake is the mean length of the CHANGE of that global
 * motion between consecutive measured frames — the jitter: a steady camera or a smooth pan
 * moves by the same amount every frame and scores about 0, a hand-held wobble scores high —
 * divided by `frameWidth` (px of the analysed frames), so it reads as a fraction of the frame
 * width per frame. Frames with no vectors (too little contrast) break the chain. Null when
 * fewer than two consecutive frames were measured.
 */
export const shakeFromTransforms = (trf: string, frameWidth: number): number | null => {
  let previous: readonly [number, number] | undefined
  let total = 0
  let pairs = 0
  for (const line of trf.split(/\r?\n/)) {
    if (!line.startsWith("Frame ")) continue
    const vectors = [...line.matchAll(/\(LM (-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?)/g)].map((m) => [Number(m[1]), Number(m[2])] as const)
    if (vectors.length === 0) {
      previous = undefined
      continue
    }
    const global = [median(vectors.map((v) => v[0])), median(vectors.map((v) => v[1]))] as const
    if (previous !== undefined) {
      total += Math.hypot(global[0] - previous[0], global[1] - previous[1])
      pairs += 1
    }
    previous = global
  }
  return pairs === 0 || frameWidth <= 0 ? null : total / pairs / frameWidth
}

/** The stream fields of `ffprobe -show_streams` the video services read beyond the shared probe schema (colour tags). */
export const VideoProbeStream = Schema.Struct({
  index: Schema.Number,
  codec_type: Schema.optional(Schema.String),
  codec_name: Schema.optional(Schema.String),
  width: Schema.optional(Schema.Number),
  height: Schema.optional(Schema.Number),
  duration: Schema.optional(Schema.String),
  color_transfer: Schema.optional(Schema.String),
  color_primaries: Schema.optional(Schema.String),
  color_space: Schema.optional(Schema.String),
  disposition: Schema.optional(Schema.Struct({ attached_pic: Schema.optional(Schema.Number) })),
  tags: Schema.optional(Schema.Record(Schema.String, Schema.String)),
  side_data_list: Schema.optional(Schema.Array(Schema.Struct({ side_data_type: Schema.optional(Schema.String), rotation: Schema.optional(Schema.Number) })))
})
export type VideoProbeStream = typeof VideoProbeStream.Type

/** `ffprobe -print_format json -show_format -show_streams` text, as far as the video services read it. */
export const VideoProbeFromJson = Schema.fromJsonString(
  Schema.Struct({
    streams: Schema.Array(VideoProbeStream),
    format: Schema.Struct({ format_name: Schema.String, duration: Schema.optional(Schema.String) })
  })
)
export type VideoProbeResult = typeof VideoProbeFromJson.Type

/** The HDR transfer named by ffprobe's `color_transfer`: `arib-std-b67` is HLG, `smpte2084` is PQ. */
export const hdrTransferOf = (colorTransfer: string | undefined): "none" | "hlg" | "pq" =>
  colorTransfer === "arib-std-b67" ? "hlg" : colorTransfer === "smpte2084" ? "pq" : "none"

/**
 * A path to embed in a filtergraph option. Only the plain characters of our own temp dirs are
 * accepted, so no filtergraph escaping level (`:` `,` `;` `'` `\` `[`) can be misread.
 */
export const filterPath = (file: string): string => {
  if (!/^[A-Za-z0-9/_.-]+$/.test(file)) throw new Error(`unexpected characters in temp path ${file}`)
  return file
}
