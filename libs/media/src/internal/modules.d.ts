// Type declarations for the two entry points imported by file path.
declare module "fluent-ffmpeg/lib/fluent-ffmpeg.js" {
  import ffmpeg from "fluent-ffmpeg"
  export default ffmpeg
}

// heic-convert's own WebAssembly decoder (libheif-js); used directly so its RGBA pixels go to sharp.
declare module "heic-decode" {
  interface DecodedHeic {
    readonly width: number
    readonly height: number
    /** RGBA, 4 bytes per pixel, row-major. */
    readonly data: Uint8ClampedArray
  }
  function decode(input: { buffer: Uint8Array }): Promise<DecodedHeic>
  export default decode
}
