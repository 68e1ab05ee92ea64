#!/usr/bin/env bash
# Regenerates the media of every audio and video lesson of ../courses/*.json from its own script (generate.mjs does the
# work): <course>--<lesson>.m4a (audio) or .mp4 (video: title slide + the lesson's slides), a .vtt of timed captions,
# and the lesson's `media` and `durationSeconds` written back into the course file. Unchanged lessons are skipped
# (manifest.json); media no lesson uses are removed. Then run `node src/server/content/check.mjs`.
# Needs espeak-ng (Mandarin voice "cmn"), ffmpeg with libx264 and ffprobe, and a CJK font:
#   apt-get install -y espeak-ng ffmpeg fonts-wqy-microhei
# Usage: src/server/content/media/generate.sh [--force] [course-slug ...]   (RATE=240 espeak-ng speed, FONT=path)
set -euo pipefail
exec node "$(dirname "$0")/generate.mjs" "$@"
