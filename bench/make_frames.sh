#!/usr/bin/env bash
# Builds E4D-like frames from real photographs, for bench/gen_images.py --source-images.
#
#   bench/make_frames.sh [OUT_DIR]        (default: bench/data/frames; git-ignored)
#
# Takes the photos of two Debian packages (mate-backgrounds: usr/share/backgrounds/mate/nature/*.jpg,
# GPL-2+; python3-skimage: a few CC0/public-domain images of skimage/data), fetched with
# `apt-get download` and unpacked with `dpkg-deb -x` into a temporary directory, and turns each
# into what Convert-It makes of a video frame: 6 crops (a slowly moving "camera") resized with
# Lanczos to 224x224 (aspect ratio not kept), RGB, PNG (~65 KB each), plus one 224x224 JPEG.
# Needs ImageMagick's convert (apt-get install -y imagemagick).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:-$ROOT/bench/data/frames}
CONVERT=${CONVERT:-/usr/bin/convert}
[ -x "$CONVERT" ] || { echo "make_frames.sh: $CONVERT not found (apt-get install -y imagemagick)" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && apt-get download mate-backgrounds python3-skimage >/dev/null 2>&1) \
  || { echo "make_frames.sh: apt-get download mate-backgrounds python3-skimage failed" >&2; exit 1; }
for deb in "$WORK"/*.deb; do dpkg-deb -x "$deb" "$WORK/x"; done

SK=$WORK/x/usr/lib/python3/dist-packages/skimage/data
mkdir -p "$OUT"
n=0
for f in "$WORK"/x/usr/share/backgrounds/mate/nature/*.jpg \
         "$SK"/astronaut.png "$SK"/chelsea.png "$SK"/coffee.png "$SK"/rocket.jpg "$SK"/motorcycle_left.png; do
  [ -f "$f" ] || continue
  b=$(basename "${f%.*}")
  for g in 0 1 2 3 4 5; do
    "$CONVERT" "$f" -gravity center -crop $((100 - g * 8))%x$((100 - g * 8))%+$((g * 7))+$((g * 5)) +repage -strip \
      -filter Lanczos -resize '224x224!' -colorspace sRGB -type TrueColor "PNG24:$OUT/${b}_$g.png"
    n=$((n + 1))
  done
  "$CONVERT" "$f" -filter Lanczos -resize '224x224!' -strip -quality 90 "$OUT/$b.jpg"
  n=$((n + 1))
done
echo "make_frames.sh: $n frames in $OUT ($(du -sh "$OUT" | cut -f1))"
