// Type declarations for the two entry points imported by file path.
declare module "fluent-ffmpeg/lib/fluent-ffmpeg.js" {
  import ffmpeg from "fluent-ffmpeg"
  export default ffmpeg
}
