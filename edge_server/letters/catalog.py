"""The twelve self-service letters of DOMAIN.md: seeded on every fresh install (migration 10), editable later.

Template texts use `{field}` placeholders for the letter's fields and `{desa}`, `{kecamatan}`, `{kabupaten}`
for the village; the identity block (NIK, nama, ...) is printed by the letter layout itself.
"""
from __future__ import annotations

import json

BASIC_REQUIREMENTS = ["Surat Pengantar RT/RW", "Fotokopi KK", "Fotokopi KTP"]
VALIDITY_DAYS = 30  # "usually one month"


def _f(name: str, label: str, required: bool = True) -> dict:
    return {"name": name, "label": label, "required": required}


KEPERLUAN = _f("keperluan", "Keperluan")

# (code, name, fields, extra requirements, template)
LETTER_TYPES: list[tuple[str, str, list[dict], list[str], str]] = [
    ("S-41", "Surat Keterangan Domisili", [KEPERLUAN], [],
     "Orang tersebut di atas adalah benar penduduk Desa {desa}, Kecamatan {kecamatan}, Kabupaten {kabupaten}, "
     "dan benar berdomisili di alamat tersebut di atas.\n"
     "Surat keterangan ini dibuat untuk keperluan: {keperluan}."),
    ("500", "Surat Keterangan Usaha", [_f("nama_usaha", "Nama usaha"), KEPERLUAN], [],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} dan benar mempunyai usaha "
     "\"{nama_usaha}\" yang berada di wilayah Desa {desa}.\n"
     "Surat keterangan ini dibuat untuk keperluan: {keperluan}."),
    ("S-11", "Surat Keterangan Tidak Mampu", [KEPERLUAN], [],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} dan menurut pengetahuan kami serta keterangan "
     "Ketua RT/RW setempat termasuk keluarga kurang mampu.\n"
     "Surat keterangan ini dibuat untuk keperluan: {keperluan}."),
    ("S-01", "Surat Pengantar", [KEPERLUAN, _f("keterangan", "Keterangan", False)], [],
     "Orang tersebut di atas adalah benar penduduk Desa {desa}. Surat pengantar ini diberikan untuk "
     "keperluan: {keperluan}.\nKeterangan lain: {keterangan}."),
    ("S-02", "Surat Keterangan Penduduk", [KEPERLUAN], [],
     "Orang tersebut di atas adalah benar penduduk Desa {desa}, Kecamatan {kecamatan}, Kabupaten {kabupaten}, "
     "yang tercatat dalam data kependudukan desa.\nSurat keterangan ini dibuat untuk keperluan: {keperluan}."),
    ("S-07", "Pengantar SKCK", [_f("keterangan", "Keterangan")], ["Pas foto 4x6 (2 lembar)"],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} dan sepanjang pengetahuan kami berkelakuan "
     "baik serta tidak tersangkut perkara pidana. Surat pengantar ini diberikan untuk permohonan Surat "
     "Keterangan Catatan Kepolisian (SKCK).\nKeterangan: {keterangan}."),
    ("S-08", "Surat Keterangan KTP dalam Proses", [], ["Bukti perekaman KTP-el"],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} yang telah melakukan perekaman KTP elektronik "
     "dan KTP-nya sedang dalam proses pencetakan. Surat keterangan ini dapat dipergunakan sebagai pengganti "
     "KTP sementara."),
    ("S-10", "Surat Keterangan Bepergian", [_f("tujuan", "Tujuan"), KEPERLUAN], [],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} yang akan bepergian ke {tujuan}.\n"
     "Keperluan: {keperluan}."),
    ("S-12", "Pengantar Izin Keramaian", [_f("jenis_acara", "Jenis acara"), KEPERLUAN], [],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} yang akan menyelenggarakan {jenis_acara}. "
     "Surat pengantar ini diberikan untuk mengurus izin keramaian.\nKeperluan: {keperluan}."),
    ("S-13", "Pengantar Laporan Kehilangan", [_f("nama_barang", "Nama barang"), _f("rincian", "Rincian")], [],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} yang melaporkan kehilangan {nama_barang}.\n"
     "Rincian kehilangan: {rincian}.\nSurat pengantar ini diberikan untuk melapor kepada pihak kepolisian."),
    ("S-16", "Surat Keterangan Domisili Usaha", [_f("nama_usaha", "Nama usaha")], [],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} dan benar mempunyai usaha \"{nama_usaha}\" "
     "yang berdomisili di wilayah Desa {desa}, Kecamatan {kecamatan}, Kabupaten {kabupaten}."),
    ("S-30", "Surat Keterangan Pergi Kawin", [_f("tujuan", "Tujuan"), KEPERLUAN],
     ["Fotokopi akta kelahiran", "Pas foto 3x4 (2 lembar)"],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} yang akan melangsungkan pernikahan di "
     "{tujuan}.\nKeperluan: {keperluan}."),
]


def seed_rows() -> list[dict]:
    """Rows for LetterType.insert_many (JSON columns already encoded)."""
    return [{"code": code, "name": name, "fields": json.dumps(fields, ensure_ascii=False),
             "requirements": json.dumps(BASIC_REQUIREMENTS + extra, ensure_ascii=False), "template": template,
             "validity_days": VALIDITY_DAYS, "self_service": True, "active": True, "sort_order": order}
            for order, (code, name, fields, extra, template) in enumerate(LETTER_TYPES)]
