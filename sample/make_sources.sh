#!/bin/sh
# Rebuilds sample/sources/ (the input of `convert-sources` in `pipeline`) from the photographs in
# sample/mimicit/ with sample/MakeSources.java: image files copied out of the base64 JSON, and two
# 3 s videos (H.264 MP4 at 29.97 fps, VP9 WebM at 25 fps) encoded with the project's own FFmpeg
# (bytedeco). Needs Java 17 and the built project (mvn -B -q package -DskipTests).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
LAUNCHER="$HERE/../jobs/target/launcher"
if [ ! -f "$LAUNCHER/classpath-runtime.txt" ]; then
  (cd "$HERE/.." && mvn -B -q package -DskipTests)
fi
rm -rf "$HERE/sources"
exec java -cp "$(cat "$LAUNCHER/classpath-runtime.txt"):$(cat "$LAUNCHER/classpath-provided.txt")" \
  "$HERE/MakeSources.java" "$HERE"
