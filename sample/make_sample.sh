#!/bin/sh
# Rebuilds sample/mimicit/ from the Debian packages the photos come from.
# Needs a Debian 12 (bookworm) apt, ImageMagick 6 (apt-get install imagemagick) and python3.
# Downloads and unpacks into $WORK (default /tmp/mimicit-sample-work); nothing large is kept
# in the repository. Extra arguments go to make_sample.py (e.g. --check, --out DIR).
set -eu

WORK=${WORK:-/tmp/mimicit-sample-work}
HERE=$(cd "$(dirname "$0")" && pwd)
# package=version the sample was made from (LICENSES.md); another version builds with a warning
PKGS="mate-backgrounds=1.26.0-1 python3-skimage=0.19.3-8 plasma-workspace-wallpapers=4:5.27.5-2"

if [ "${1:-}" != "--check" ]; then
  if [ ! -x "${MAGICK_CONVERT:-/usr/bin/convert}" ]; then
    echo "ImageMagick is missing: apt-get update && apt-get install -y imagemagick" >&2
    exit 1
  fi
  mkdir -p "$WORK/debs"
  for spec in $PKGS; do
    name=${spec%%=*}
    if ! ls "$WORK/debs/${name}"_*.deb >/dev/null 2>&1; then
      (cd "$WORK/debs" && { apt-get download "$spec" || apt-get download "$name"; })
    fi
    rm -rf "${WORK:?}/$name"
    dpkg-deb -x "$(ls "$WORK/debs/${name}"_*.deb | head -n 1)" "$WORK/$name"
  done
fi

exec python3 "$HERE/make_sample.py" --src "$WORK" "$@"
