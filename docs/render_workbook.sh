#!/usr/bin/env bash
# Render the workbook of samples/ the way LibreOffice prints it, to docs/workbook-*.png:
# the Summary (概览), the chart sheet (图表) and the reference article's rows of 举措.
# It also checks the print setup on a PDF export: the Summary prints on one landscape page.
#
#   bash docs/render_workbook.sh            # from the repository root, newsfacts installed
#
# Needs Debian's libreoffice-calc, fonts-noto-cjk and poppler-utils (only for these pictures;
# the tests do not use them):  apt-get install libreoffice-calc fonts-noto-cjk poppler-utils
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
REFERENCE_ID=NW202112222222391066  # the Measures picture shows this article's rows
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$PYTHON" -m newsfacts extract samples -o "$work/out" --format xlsx >/dev/null 2>&1

# The whole workbook as LibreOffice prints it: the Summary is page 1, the chart sheet the last.
soffice --headless --norestore --convert-to pdf --outdir "$work" "$work/out/articles.xlsx" >/dev/null
pdf="$work/articles.pdf"
pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
read -r width height < <(pdfinfo -f 1 -l 1 "$pdf" | awk '/^Page.*size:/ {print $4, $6; exit}')

# The Summary prints on one landscape page: page 1 holds its table, page 2 is already 文章
# (its header row, repeated on every page, starts with 文章编号).
first=$(pdftotext -f 1 -l 1 "$pdf" -)
second=$(pdftotext -f 2 -l 2 "$pdf" -)
if [[ "$first" != *主体机构* || "${second%%$'\n'*}" != 文章编号 ]] ||
   ! awk -v w="$width" -v h="$height" 'BEGIN { exit !(w > h) }'; then
  echo "the Summary does not print on one landscape page (page 1: $width x $height pt)" >&2
  exit 1
fi
echo "Summary: 1 landscape page ($width x $height pt); the workbook prints on $pages pages"
pdftoppm -png -r 110 -f 1 -l 1 -singlefile "$pdf" docs/workbook-summary
pdftoppm -png -r 80 -f "$pages" -l "$pages" -singlefile "$pdf" docs/workbook-chart

# 举措 (Measures): only the reference article's rows, the columns up to 数目相符 (counts match).
"$PYTHON" - "$work" "$REFERENCE_ID" <<'PY'
import sys
from pathlib import Path

import openpyxl

work, reference = Path(sys.argv[1]), sys.argv[2]
book = openpyxl.load_workbook(work / "out" / "articles.xlsx")
for other in [s for s in book.sheetnames if s != "举措"]:
    del book[other]
sheet = book["举措"]
rows = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == reference]
headers = [c.value for c in sheet[1]]
last_column = sheet.cell(1, headers.index("数目相符") + 1).column_letter
sheet.print_area = f"A{rows[0]}:{last_column}{rows[-1]}"
sheet.print_options.gridLines = True
book.save(work / "measures.xlsx")
PY
soffice --headless --norestore --convert-to pdf --outdir "$work" "$work/measures.xlsx" >/dev/null
pdftoppm -png -r 110 -f 1 -l 1 -singlefile "$work/measures.pdf" docs/workbook-measures
ls -l docs/workbook-*.png
