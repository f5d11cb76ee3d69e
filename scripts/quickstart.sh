#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install packages, build the
# release tools, and run the main job on the bundled defaults: the bundled
# "marvin" wake-word model listening to the bundled demo recording.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset host-release >/dev/null
cmake --build --preset host-release
bin=build/host-release
echo
echo "== the bundled wake-word model: models/marvin.tflite (model card: models/MODEL_CARD.md) =="
"$bin/tinyml" inspect models/marvin.tflite
echo
echo "== detect 'marvin' in the bundled demo recording (models/demo_marvin.flac) =="
echo "   spoken at 1.96-2.43 s, 9.94-10.25 s and 17.80-18.31 s, among other sentences and noise"
echo "   (how well the model does, measured: models/MODEL_CARD.md)"
"$bin/tinyml" detect models/demo_marvin.flac
echo
echo "== host latency of one model invoke =="
"$bin/tinyml" bench models/marvin.tflite --iterations 500
echo
echo "Next: 'tinyml listen' (microphone), 'tinyml train --word WORD' (your own wake word),"
echo "      'tinyml bench models/marvin.tflite --target cortex-m4' (instructions on a Cortex-M4)."
