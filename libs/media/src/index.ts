/**
 * @curator/media — native media code: sniffing (magic bytes), metadata (ExifTool,
 * sharp's header, ffprobe), HEIC decoding (libheif), thumbnails and video frames (sharp, ffmpeg),
 * and the per-file inspection program. Every external tool runs through
 * ProcessRunner with the Hardening rules of ARCHITECTURE.md.
 */
export * from "./MediaSniffer.js"
export * from "./MediaConfig.js"
export * from "./ProcessRunner.js"
export * from "./ExifToolReader.js"
export * from "./MetadataReader.js"
export * from "./HeifDecoder.js"
export * from "./ThumbnailRenderer.js"
export * from "./VideoFrameSampler.js"
export * from "./MediaInspector.js"
export * from "./Media.js"
export { parseIso6709 } from "./internal/iso6709.js"
export { applyOrientation } from "./internal/orientation.js"
export * from "./ThumbnailTask.js"
export * from "./VideoProbe.js"
export * from "./VideoEnhancer.js"
export * from "./PhotoRenderer.js"
export * from "./ColourTransfer.js"
export * from "./AiPreviewEncoder.js"
export * from "./GpsStripper.js"
export * from "./OrientationNormalizer.js"
export * from "./BundleTask.js"
export { fileReadError, type FileReadError } from "./internal/fileAccess.js"
