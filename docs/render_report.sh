#!/usr/bin/env bash
# Screenshot the HTML evidence report of samples/ to docs/report-article.png (the reference
# article, every fact highlighted) and docs/report-overview.png, with headless Chromium.
#
#   bash docs/render_report.sh              # from the repository root, newsfacts installed
#
# Needs Debian's chromium and fonts-noto-cjk (the tests need chromium too; the font only
# makes the pictures readable):  apt-get install chromium fonts-noto-cjk
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
REFERENCE_ID=NW202112222222391066
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$PYTHON" -m newsfacts extract samples -o "$work/out" --format json >/dev/null 2>&1
"$PYTHON" -m newsfacts report "$work/out" >/dev/null

shot() {  # shot URL PNG WIDTH HEIGHT
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$work/profile" --window-size="$3,$4" --screenshot="$2" "$1" 2>/dev/null
}
shot "file://$work/out/report/articles/$REFERENCE_ID.html" docs/report-article.png 1400 1300
shot "file://$work/out/report/index.html" docs/report-overview.png 1400 1500
ls -l docs/report-*.png
