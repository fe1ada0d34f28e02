"""Spreadsheets as people really keep them, made by code: the same members table in every
shape the importer must read (a title block, totals, ``sep=;``, dates with a time, two-digit
years, booleans in three languages, Excel's UTF-16 text, merged cells), and files it must
refuse helpfully. The service, command-line and page tests all read these."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

from openpyxl import Workbook

HEADER = ["Nom", "Tipus d'ens", "Municipi", "Data d'alta", "Municipi delegat"]
# What every readable shape below stores: name, kind label, INE code, joined on, delegate.
EXPECTED = [
    ("Ajuntament de Tàrrega", "Ajuntament", "25217", date(2024, 2, 1), True),
    ("Ajuntament de Sort", "Ajuntament", "25209", date(2023, 5, 15), False),
    ("Consell Comarcal de l'Urgell", "Consell comarcal", "25217", date(2025, 11, 3), True),
]
Row = Sequence[object]


def typed_rows(
    joined: Callable[[date], object] = lambda d: d.strftime("%d/%m/%Y"),
    delegate: Sequence[object] = ("sí", "no", "sí"),
) -> list[list[object]]:
    return [
        [name, kind, municipality, joined(day), flag]
        for (name, kind, municipality, day, _), flag in zip(
            [
                ("Ajuntament de Tàrrega", "Ajuntament", "Tàrrega", EXPECTED[0][3], 0),
                ("Ajuntament de Sort", "Ajuntament", "Sort", EXPECTED[1][3], 0),
                ("Consell Comarcal de l'Urgell", "Consell comarcal", "25217", EXPECTED[2][3], 0),
            ],
            delegate,
            strict=True,
        )
    ]


def csv_text(rows: Sequence[Row], sep: str = ";") -> str:
    return "".join(sep.join("" if c is None else str(c) for c in row) + "\n" for row in rows)


def xlsx(
    rows: Sequence[Row], merges: Sequence[str] = (), cached: dict[str, str] | None = None
) -> bytes:
    """A workbook of ``rows``; ``cached`` gives formula cells the value Excel would have
    saved with them (openpyxl writes formulas without one)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    for cells in merges:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    if not cached:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                for cell, value in cached.items():
                    data = re.sub(
                        rb'(<c r="' + cell.encode() + rb'"[^>]*>(?:<f>[^<]*</f>))<v\s*/>',
                        rb"\1<v>" + value.encode() + rb"</v>",
                        data,
                    )
            target.writestr(item, data)
    return out.getvalue()


@dataclass(frozen=True)
class Shape:
    """A file in one shape, and what its preview must say (fragments of notes or problems)."""

    name: str
    file_name: str
    data: bytes
    kind: str = "membres"
    header_line: int = 1
    notes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    expected: list[tuple[str, str, str, date, bool]] = field(default_factory=lambda: EXPECTED)

    @property
    def readable(self) -> bool:
        return not self.problems


def _title_block_csv() -> Shape:
    rows: list[Row] = [
        ["Membres de la XMESS · actualitzat el 02/12/2026", "", "", "", ""],
        ["", "", "", "", ""],
        HEADER,
        *typed_rows(),
        ["TOTAL", "", "", "", "2"],
    ]
    return Shape(
        "title-and-totals-csv",
        "membres.csv",
        csv_text(rows).encode("cp1252"),
        header_line=3,
        notes=(
            "La capçalera és a la fila 3",
            "La fila 7 («TOTAL») és una fila de totals: no s'importa.",
        ),
    )


def _title_block_xlsx() -> Shape:
    data = typed_rows(joined=lambda d: d, delegate=(True, False, True))
    rows: list[Row] = [
        ["Membres de la XMESS", None, None, None, None],
        [None] * 5,
        [*HEADER, "Habitants"],
        [*data[0], 1000],
        [*data[1], 2000],
        [*data[2], 3000],
        [None, None, None, None, None, "=SUM(F4:F6)"],
    ]
    return Shape(
        "title-merged-and-formula-totals-xlsx",
        "membres.xlsx",
        xlsx(rows, merges=["A1:E1"], cached={"F7": "6000"}),
        header_line=3,
        notes=(
            "La capçalera és a la fila 3",
            "La fila 7 (fórmules) és una fila de totals",
            "Columnes que no s'importen (no les reconeixem): «Habitants».",
        ),
    )


def _merged_data_cells_xlsx() -> Shape:
    # The two Ajuntaments share one merged "Tipus d'ens" cell (B2:B3).
    data = typed_rows(joined=lambda d: d, delegate=("x", "", "x"))
    data[1][1] = None
    return Shape(
        "merged-data-cells-xlsx",
        "membres.xlsx",
        xlsx([HEADER, *data], merges=["B2:B3"]),
        notes=("Cel·les combinades a la columna *Tipus d'ens* (files 2–3)",),
    )


def _sep_line() -> Shape:
    return Shape(
        "excel-sep-line",
        "membres.csv",
        ("sep=,\r\n" + csv_text([HEADER, *typed_rows()], sep=",").replace("\n", "\r\n")).encode(
            "utf-8-sig"
        ),
        notes=("«sep=,»",),
    )


def _dates_with_time() -> Shape:
    return Shape(
        "dates-with-time",
        "membres.csv",
        csv_text([HEADER, *typed_rows(joined=lambda d: d.strftime("%d/%m/%Y") + " 0:00")]).encode(),
    )


def _two_digit_years() -> Shape:
    return Shape(
        "two-digit-years",
        "membres.csv",
        csv_text([HEADER, *typed_rows(joined=lambda d: d.strftime("%d/%m/%y"))]).encode(),
        notes=("any de dues xifres", "20aa"),
    )


def _booleans() -> Shape:
    return Shape(
        "booleans-es-en",
        "membres.csv",
        csv_text([HEADER, *typed_rows(delegate=("VERDADERO", "FALSE", "s"))]).encode(),
    )


def _utf16_text() -> Shape:
    text = csv_text([HEADER, *typed_rows(delegate=("1", "0", "TRUE"))], sep="\t")
    return Shape(
        "excel-unicode-text",
        "membres.txt",
        text.replace("\n", "\r\n").encode("utf-16"),
        notes=("«Text Unicode»",),
    )


def _short_municipality() -> Shape:
    rows = [HEADER, *typed_rows()]
    rows[2][2] = "la Seu"
    return Shape(
        "short-municipality",
        "membres.csv",
        csv_text(rows).encode(),
        problems=("fila 3, columna *Municipi*", "potser volíeu dir: La Seu d'Urgell"),
    )


def _contacts_as_members() -> Shape:
    rows = [
        ["Membre", "Data", "Canal", "Resum"],
        ["Ajuntament de Tàrrega", "02/03/2026", "Telèfon", "Trucada de seguiment"],
    ]
    return Shape(
        "contacts-file-as-members",
        "contactes.csv",
        csv_text(rows).encode(),
        problems=("Aquest fitxer sembla de contactes de seguiment, no de membres",),
    )


SHAPES = [
    _title_block_csv(),
    _title_block_xlsx(),
    _merged_data_cells_xlsx(),
    _sep_line(),
    _dates_with_time(),
    _two_digit_years(),
    _booleans(),
    _utf16_text(),
    _short_municipality(),
    _contacts_as_members(),
]
