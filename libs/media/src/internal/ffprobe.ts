/**
 * The part of `ffprobe -print_format json -show_format -show_streams` output
 * Curator reads, as an effect Schema (fields ffprobe omits are optional; other
 * fields are ignored). Field names are ffprobe's own (see ffprobe.xsd).
 */
import { Schema } from "effect"

const Tags = Schema.Record(Schema.String, Schema.String)

/** One entry of a stream's `side_data_list`; `rotation` is the display matrix angle in degrees, counter-clockwise. */
export const FfprobeSideData = Schema.Struct({
  side_data_type: Schema.optional(Schema.String),
  rotation: Schema.optional(Schema.Number)
})

/** One stream: `codec_type` is `video`, `audio`, `data`, ...; `width`/`height` are coded pixels (before rotation). */
export const FfprobeStream = Schema.Struct({
  index: Schema.Number,
  codec_type: Schema.optional(Schema.String),
  codec_name: Schema.optional(Schema.String),
  /** The FourCC of the track (`avc1`, `gpmd` for GoPro GPMF telemetry, `camm` for camera motion metadata, ...). */
  codec_tag_string: Schema.optional(Schema.String),
  width: Schema.optional(Schema.Number),
  height: Schema.optional(Schema.Number),
  duration: Schema.optional(Schema.String),
  disposition: Schema.optional(Schema.Struct({ attached_pic: Schema.optional(Schema.Number) })),
  tags: Schema.optional(Tags),
  side_data_list: Schema.optional(Schema.Array(FfprobeSideData))
})
export type FfprobeStream = typeof FfprobeStream.Type

/** The container: `duration` in seconds as a decimal string, `tags` such as `creation_time`, `location`. */
export const FfprobeFormat = Schema.Struct({
  format_name: Schema.String,
  duration: Schema.optional(Schema.String),
  tags: Schema.optional(Tags)
})

/** The whole probe result. */
export const FfprobeResult = Schema.Struct({
  streams: Schema.Array(FfprobeStream),
  format: FfprobeFormat
})
export type FfprobeResult = typeof FfprobeResult.Type

/** Decodes ffprobe's JSON text. */
export const FfprobeResultFromJson = Schema.fromJsonString(FfprobeResult)
