#!/usr/bin/env bash
# Render the Summary and Measures sheets of the samples/ workbook to docs/workbook-*.png,
# the way LibreOffice shows them: xlsx -> (one sheet, print setup) -> PDF -> PNG.
#
#   bash docs/render_workbook.sh            # from the repository root, newsfacts installed
#
# Needs Debian's libreoffice-calc, fonts-noto-cjk and poppler-utils (only for this picture;
# the tests do not use them):  apt-get install libreoffice-calc fonts-noto-cjk poppler-utils
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
REFERENCE_ID=NW202112222222391066  # the Measures picture shows this article's rows
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$PYTHON" -m extractor.cli extract samples -o "$work/out" --format xlsx

# One workbook per picture, holding only that sheet, set to print landscape on one page wide.
"$PYTHON" - "$work" "$REFERENCE_ID" <<'PY'
import sys
from pathlib import Path

import openpyxl

work, reference = Path(sys.argv[1]), sys.argv[2]
for name in ("Summary", "Measures"):
    book = openpyxl.load_workbook(work / "out" / "articles.xlsx")
    for other in [s for s in book.sheetnames if s != name]:
        del book[other]
    sheet = book[name]
    rows = [r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == reference]
    first, last = (rows[0], rows[-1]) if rows else (2, max(2, min(sheet.max_row, 40)))
    if name == "Measures":  # up to "counts match": the long text columns would not fit a page
        headers = [c.value for c in sheet[1]]
        sheet.print_title_rows = "1:1"
        sheet.print_area = f"A{first}:{sheet.cell(1, headers.index('counts match') + 1).column_letter}{last}"
    else:
        sheet.print_area = f"A1:N{max(sheet.max_row, 24)}"  # the tables and the chart at E2
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A3
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = True
    book.save(work / f"{name.lower()}.xlsx")
PY

for name in summary measures; do
  soffice --headless --norestore --convert-to pdf --outdir "$work" "$work/$name.xlsx" >/dev/null
  pdftoppm -png -r 110 -f 1 -l 1 -singlefile "$work/$name.pdf" "docs/workbook-$name"
done
ls -l docs/workbook-*.png
