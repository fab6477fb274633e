/**
 * Media: every media service composed with its dependencies, configured from the
 * environment ({@link MediaConfig.layer}) or from explicit settings ({@link Media.layerWith}).
 * Scoped: the ExifTool process of {@link ExifToolReader} (started on the first read) ends
 * when the layer's scope closes.
 */
import { Layer } from "effect"
import { AiPreviewEncoder } from "./AiPreviewEncoder.js"
import { ExifToolReader } from "./ExifToolReader.js"
import { HeifDecoder } from "./HeifDecoder.js"
import { MediaConfig, type MediaSettings } from "./MediaConfig.js"
import { MediaInspector } from "./MediaInspector.js"
import { MetadataReader } from "./MetadataReader.js"
import { OrientationNormalizer } from "./OrientationNormalizer.js"
import { PhotoRenderer } from "./PhotoRenderer.js"
import { ProcessRunner } from "./ProcessRunner.js"
import { ThumbnailRenderer } from "./ThumbnailRenderer.js"
import { VideoFrameSampler } from "./VideoFrameSampler.js"
import { VideoEnhancer } from "./VideoEnhancer.js"
import { VideoProbe } from "./VideoProbe.js"

const servicesOn = <E, R>(config: Layer.Layer<MediaConfig, E, R>) => {
  const runner = ProcessRunner.layer.pipe(Layer.provideMerge(config))
  const heif = Layer.merge(HeifDecoder.layer, ExifToolReader.layer).pipe(Layer.provideMerge(runner))
  const reader = MetadataReader.layer.pipe(Layer.provideMerge(heif))
  const renderer = ThumbnailRenderer.layer.pipe(Layer.provideMerge(reader))
  const sampler = VideoFrameSampler.layer.pipe(Layer.provideMerge(renderer))
  const photos = PhotoRenderer.layer.pipe(Layer.provideMerge(sampler))
  const video = Layer.mergeAll(VideoProbe.layer, VideoEnhancer.layer, AiPreviewEncoder.layer, OrientationNormalizer.layer).pipe(Layer.provideMerge(photos))
  return MediaInspector.layer.pipe(Layer.provideMerge(video))
}

/** The composed layers. */
export const Media = {
  /** All media services, settings from `MEDIA_*` environment variables. */
  layer: servicesOn(MediaConfig.layer),
  /** All media services with fixed settings (defaults plus `overrides`). */
  layerWith: (overrides: Partial<MediaSettings>) => servicesOn(MediaConfig.layerWith(overrides))
}

/** Alias of {@link Media.layer}. */
export const MediaLive = Media.layer
