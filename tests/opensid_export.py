"""Resident exports in OpenSID's exact shape, for tests and bench: the 43 columns of "Ekspor Penduduk" (codes)
and "Ekspor Penduduk Huruf" (labels), written as XLSX the way OpenSID's OpenSpout writer does (one sheet,
inline strings, every cell text), or as a CSV saved from Excel.
"""
from __future__ import annotations

import zipfile
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from drivers.idcard import make_nik

COLUMNS = ("alamat", "dusun", "rw", "rt", "nama", "no_kk", "nik", "sex", "tempatlahir", "tanggallahir", "agama_id",
           "pendidikan_kk_id", "pendidikan_sedang_id", "pekerjaan_id", "status_kawin", "kk_level",
           "warganegara_id", "ayah_nik", "nama_ayah", "ibu_nik", "nama_ibu", "golongan_darah_id", "akta_lahir",
           "dokumen_pasport", "tanggal_akhir_paspor", "dokumen_kitas", "akta_perkawinan", "tanggalperkawinan",
           "akta_perceraian", "tanggalperceraian", "cacat_id", "cara_kb_id", "hamil", "ktp_el", "status_rekam",
           "alamat_sekarang", "status_dasar", "suku", "tag_id_card", "id_asuransi", "no_asuransi", "lat", "lng")
VILLAGE_CODE = "3317092016"
# the labels "Ekspor Penduduk Huruf" writes for the codes `resident()` uses
LABELS = {
    "sex": {"1": "LAKI-LAKI", "2": "PEREMPUAN"},
    "agama_id": {"1": "ISLAM", "2": "KRISTEN", "3": "KATHOLIK"},
    "pendidikan_kk_id": {"3": "TAMAT SD / SEDERAJAT", "5": "SLTA / SEDERAJAT", "8": "DIPLOMA IV/ STRATA I"},
    "pekerjaan_id": {"9": "PETANI/PEKEBUN", "88": "WIRASWASTA", "2": "MENGURUS RUMAH TANGGA",
                     "5": "PEGAWAI NEGERI SIPIL (PNS)"},
    "status_kawin": {"1": "BELUM KAWIN", "2": "KAWIN", "4": "CERAI MATI"},
    "kk_level": {"1": "KEPALA KELUARGA", "3": "ISTRI", "4": "ANAK"},
    "warganegara_id": {"1": "WNI"},
    "golongan_darah_id": {"1": "A", "4": "O", "13": "TIDAK TAHU"},
    "cacat_id": {"7": "TIDAK CACAT"},
    "status_dasar": {"1": "HIDUP", "2": "MATI", "3": "PINDAH"},
}


def temporary_nik(serial: int, village_code: str = VILLAGE_CODE) -> str:
    """OpenSID's temporary NIK: `0` + the 10-digit village code + a 5-digit serial."""
    return f"0{village_code}{serial:05d}"


def resident(i: int, *, born: date | None = None, sex: str = "L", **overrides: str) -> dict[str, str]:
    """One row of the code export ("Ekspor Penduduk"): every column, values as OpenSID writes them."""
    born = born or date(1950, 1, 1) + timedelta(days=(i * 7) % 25000)
    nik = make_nik("331709", born, sex, i % 9999 + 1)
    row = dict.fromkeys(COLUMNS, "")
    row.update({
        "alamat": "Jl. Melati", "dusun": ("KRAJAN", "Sidomulyo", "-")[i % 3], "rw": ("001", "2", "-")[i % 3],
        "rt": ("003", "1", "-")[i % 3], "nama": f"WARGA NOMOR {i}", "no_kk": f"33170915{i % 100:02d}{i:06d}",
        "nik": nik, "sex": "1" if sex == "L" else "2", "tempatlahir": "REMBANG", "tanggallahir": born.isoformat(),
        "agama_id": "1", "pendidikan_kk_id": "5", "pekerjaan_id": "9" if i % 2 else "88",
        "status_kawin": "2", "kk_level": "1" if i % 3 == 0 else "4", "warganegara_id": "1",
        "golongan_darah_id": "13", "cacat_id": "7", "ktp_el": "2", "status_rekam": "4",
        "alamat_sekarang": "Jl. Melati", "status_dasar": "1",
    })
    row.update(overrides)
    return row


def as_labels(row: dict[str, str]) -> dict[str, str]:
    """The same resident as "Ekspor Penduduk Huruf" writes it."""
    out = dict(row)
    for column, labels in LABELS.items():
        if out[column] in labels:
            out[column] = labels[out[column]]
    return out


def _cell(ref: str, value: str) -> str:
    if value == "":
        return ""
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def write_xlsx(path: Path, rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> Path:
    """Write a one-sheet workbook with inline-string cells (OpenSpout's default), header in row 1."""
    letters = [_column_letters(i) for i in range(len(columns))]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        book.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        book.writestr("_rels/.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        book.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        book.writestr("xl/_rels/workbook.xml.rels", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'))
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            all_rows = [dict(zip(columns, columns, strict=True)), *rows]
            for number, row in enumerate(all_rows, start=1):
                cells = "".join(_cell(f"{letter}{number}", row.get(column, ""))
                                for letter, column in zip(letters, columns, strict=True))
                sheet.write(f'<row r="{number}">{cells}</row>'.encode())
            sheet.write(b"</sheetData></worksheet>")
    return path


def write_csv(path: Path, rows: list[dict[str, str]], sep: str = ";", bom: bool = True,
              columns: tuple[str, ...] = COLUMNS) -> Path:
    """The same export saved from Excel as CSV (BOM, CRLF, `;` in an Indonesian locale)."""
    lines = [sep.join(columns)] + [sep.join(row.get(c, "") for c in columns) for row in rows]
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + ("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path
