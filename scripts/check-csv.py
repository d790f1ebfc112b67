"""Checks that Doorstep's CSV exports open in the analysts' tools with the right shape.

    .tools/py/bin/python scripts/check-csv.py FOLDER

FOLDER holds CSV files and `expected.json`, written by the exporter
(`cargo run -p survey --example sample_export -- FOLDER`):
{"responses.csv": {"rows": 40, "columns": 97}, "codebook.csv": {...}}, rows without the
header. Each file is read three ways: Python's csv module, pandas, and LibreOffice Calc
(headless conversion to xlsx, read back with openpyxl). All three must see the expected
number of rows and columns and the very same cells (a line break inside a cell counts the
same whether written CRLF or LF), so quoting, line breaks inside cells and Turkish/Bengali
text survive every tool.
"""

import csv
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
import pandas


def read_with_csv_module(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return [row for row in csv.reader(f)]


def read_with_pandas(path):
    frame = pandas.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return [list(frame.columns)] + frame.values.tolist()


def read_with_libreoffice(path, workdir):
    # 44 = comma, 34 = double quote, 76 = UTF-8, 1 = first line; the last token keeps
    # every column as text, so "007" or "1/2" are not turned into numbers or dates.
    columns = len(read_with_csv_module(path)[0])
    column_types = "/".join(f"{i + 1}/2" for i in range(columns))
    subprocess.run(
        [
            "soffice", "--headless", "--norestore",
            f"-env:UserInstallation=file://{workdir}/profile",
            f"--infilter=CSV:44,34,76,1,{column_types}",
            "--convert-to", "xlsx", "--outdir", str(workdir), str(path),
        ],
        check=True, capture_output=True, timeout=180,
    )
    sheet = openpyxl.load_workbook(Path(workdir) / (path.stem + ".xlsx")).active
    return [["" if cell is None else str(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]


def same_cells(rows):
    """Cells with their line breaks written as LF: a spreadsheet keeps a line break inside
    a cell as LF whether the file said CRLF or LF, which is the same text to a reader."""
    return [[cell.replace("\r\n", "\n") for cell in row] for row in rows]


def main(folder):
    folder = Path(folder)
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    failures = []
    for name, shape in expected.items():
        path = folder / name
        reference = read_with_csv_module(path)
        with tempfile.TemporaryDirectory() as workdir:
            readings = {
                "csv module": reference,
                "pandas": read_with_pandas(path),
                "LibreOffice": read_with_libreoffice(path, workdir),
            }
        for tool, rows in readings.items():
            got = (len(rows) - 1, max(len(r) for r in rows))
            want = (shape["rows"], shape["columns"])
            if got != want:
                failures.append(f"{name}: {tool} sees {got[0]} rows x {got[1]} columns, expected {want[0]} x {want[1]}")
            elif same_cells(rows) != same_cells(reference):
                diff = next(
                    (i, a, b)
                    for i, (a, b) in enumerate(zip(same_cells(rows), same_cells(reference)))
                    if a != b
                )
                failures.append(f"{name}: {tool} reads row {diff[0]} as {diff[1]!r}, csv module as {diff[2]!r}")
            else:
                print(f"{name}: {tool} reads {got[0]} rows x {got[1]} columns, every cell as written")
    for failure in failures:
        print("FAIL " + failure)
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
