#!/usr/bin/env bash
# Makes a fresh machine ready for `npm start` / `npm test` (run by their npm pre-scripts):
# 1. Debian packages Curator shells out to (ffmpeg/ffprobe, heif-convert from libheif-examples,
#    jpegtran from libjpeg-turbo-progs for lossless rotation of exported originals, DejaVu fonts for
#    the contact sheet, perl for ExifTool; chromium for the browser tests when asked with --browser);
# 2. npm dependencies (npm ci) when node_modules is missing or older than package-lock.json.
# Idempotent and quiet when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."

want=(ffmpeg:ffmpeg heif-convert:libheif-examples jpegtran:libjpeg-turbo-progs fc-list:fontconfig)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || want+=(__font:fonts-dejavu-core)
# ExifTool (exiftool-vendored, GPS removal in the download bundles) runs on the full perl, not perl-base.
{ command -v dpkg >/dev/null 2>&1 && dpkg -s perl >/dev/null 2>&1; } || want+=(__perl:perl)
if [ "${1:-}" = "--browser" ]; then want+=(chromium:chromium); fi

missing=()
for pair in "${want[@]}"; do
  cmd=${pair%%:*}; pkg=${pair#*:}
  if [[ "$cmd" == __* ]] || ! command -v "$cmd" >/dev/null 2>&1; then missing+=("$pkg"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "curator setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "curator setup: no apt-get here; please install: ${missing[*]}" >&2; exit 1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

stamp=node_modules/.curator-lock-stamp
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "curator setup: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
