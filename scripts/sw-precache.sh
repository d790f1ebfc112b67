#!/usr/bin/env bash
# trunk post_build hook: writes the words files of the worker's languages (all but the
# built-in first), then this build's file list and id into sw.js and index.html, then
# brotli and gzip copies of the compressible files for the collector to send.
#
# The build id is a hash of every file trunk produced (before this script touches them),
# so it changes exactly when the build does; it names the service worker's cache and is
# shown in settings. Run by trunk with TRUNK_STAGING_DIR set.
set -euo pipefail

dir="${TRUNK_STAGING_DIR:?this script is run by trunk as a post_build hook}"
source_dir="${TRUNK_SOURCE_DIR:-$PWD}"
cd "$dir"

# First, so they are precached and part of the build id like every other file.
node "$source_dir/scripts/worker-words.mjs" words

for placeholder in sw.js:__DOORSTEP_PRECACHE__ sw.js:__DOORSTEP_BUILD__ index.html:doorstep-build; do
  file=${placeholder%%:*} text=${placeholder#*:}
  grep -q -- "$text" "$file" || { echo "sw-precache: $file has no $text placeholder" >&2; exit 1; }
done

# Every file of the build but the service worker itself, sorted for a stable id.
mapfile -t files < <(find . -type f ! -path ./sw.js -printf '%P\n' | LC_ALL=C sort)
[ "${#files[@]}" -gt 0 ] || { echo "sw-precache: no files in $dir" >&2; exit 1; }

build=$(sha256sum -- "${files[@]}" | sha256sum | cut -c1-16)

list=""
for file in "${files[@]}"; do
  case "$file" in *'"'* | *'\'*) echo "sw-precache: unexpected file name $file" >&2; exit 1 ;; esac
  list+="${list:+, }\"/$file\""
done

sed -i -e "s|__DOORSTEP_PRECACHE__|[${list}]|" -e "s|__DOORSTEP_BUILD__|${build}|" sw.js
sed -i -e "s|<meta name=\"doorstep-build\" content=\"[^\"]*\">|<meta name=\"doorstep-build\" content=\"${build}\">|" index.html
grep -q "content=\"${build}\"" index.html || { echo "sw-precache: could not stamp index.html" >&2; exit 1; }
echo "sw-precache: build ${build}, ${#files[@]} files precached"

# Last, so the precache list and build id above never include the compressed copies.
node "$source_dir/scripts/precompress.mjs" .
