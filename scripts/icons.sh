#!/usr/bin/env bash
# Makes the app's PNG icons from public/icons/icon.svg (run by `make icons` after the SVG
# changes; the PNGs are committed so a build needs no image tools).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v rsvg-convert >/dev/null || {
  echo "icons: installing librsvg2-bin for rsvg-convert" >&2
  apt-get install -y -qq librsvg2-bin
}
src=public/icons/icon.svg
rsvg-convert -w 192 -h 192 "$src" -o public/icons/icon-192.png
rsvg-convert -w 512 -h 512 "$src" -o public/icons/icon-512.png
# The source keeps its drawing inside the maskable safe zone, so the maskable icon is the
# same picture; a separate file lets the manifest name its purpose.
cp public/icons/icon-512.png public/icons/icon-maskable-512.png
echo "icons: wrote 192, 512 and maskable 512 PNGs from $src"
