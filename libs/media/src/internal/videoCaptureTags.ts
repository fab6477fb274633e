/**
 * The QuickTime tags (ExifTool names, group-qualified) an enhanced MP4 keeps from its source
 * (issue 12 item 4): Apple's Keys `com.apple.quicktime.creationdate` (local time with its UTC
 * offset), `location.ISO6709`, `make`, `model`; the UserData `©day`, `©xyz`, `©mak`, `©mod` that
 * Android phones, GoPro and 3GPP recorders write; the ItemList `©day`/`©xyz` (Google Photos).
 * The mvhd `creation_time` comes through ffmpeg's `-map_metadata 0`. Location tags are removed
 * from a download unless the person keeps GPS (GpsStripper in the bundle task).
 * Names: https://exiftool.org/TagNames/QuickTime.html (Keys, UserData, ItemList tables).
 */
export const VIDEO_CAPTURE_TAGS: ReadonlyArray<string> = [
  "Keys:CreationDate", "Keys:GPSCoordinates", "Keys:Make", "Keys:Model",
  "UserData:ContentCreateDate", "UserData:GPSCoordinates", "UserData:Make", "UserData:Model",
  "ItemList:ContentCreateDate", "ItemList:GPSCoordinates"
]
