#!/usr/bin/env bash
# Redraws docs/report.png, the README's picture of the evaluation report: the bundled gold
# against the pipeline's prediction, rendered by headless Chromium (Debian's chromium package).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
cat corpus/gold/*.jsonl > "$work/gold.jsonl"
nlp annotate "$work/gold.jsonl" -o "$work/pred.jsonl" --quiet
nlp evaluate "$work/gold.jsonl" "$work/pred.jsonl" --html "$work/report.html" > /dev/null
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$work/profile" --hide-scrollbars --window-size=1100,2600 \
    --screenshot="$work/report.png" "file://$work/report.html" 2> /dev/null
"$(dirname "$(command -v nlp)")/python" - "$work/report.png" docs/report.png <<'PY'
import sys
from PIL import Image  # matplotlib depends on Pillow, so it is installed with the package
image = Image.open(sys.argv[1]).convert("RGB")
image.resize((image.width * 3 // 4, image.height * 3 // 4)).quantize(colors=128).save(sys.argv[2], optimize=True)
PY
echo "wrote docs/report.png"
