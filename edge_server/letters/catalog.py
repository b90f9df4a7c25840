"""The self-service letters (migration 10) and five staff-only ones (migration 40), named and coded as OpenSID
names its letter templates (tweb_surat_format: "Keterangan Kurang Mampu" S-11, ...), so a village moving from
OpenSID finds the letters it knows. Migration 12 brings an older install to these names and codes without
touching its numbering (see OPENSID_RENAMES).

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
    ("S-11", "Surat Keterangan Kurang Mampu", [KEPERLUAN], [],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} dan menurut pengetahuan kami serta keterangan "
     "Ketua RT/RW setempat termasuk keluarga kurang mampu.\n"
     "Surat keterangan ini dibuat untuk keperluan: {keperluan}."),
    ("S-01", "Surat Keterangan Pengantar", [KEPERLUAN, _f("keterangan", "Keterangan", False)], [],
     "Orang tersebut di atas adalah benar penduduk Desa {desa}. Surat pengantar ini diberikan untuk "
     "keperluan: {keperluan}.\nKeterangan lain: {keterangan}."),
    ("S-02", "Surat Keterangan Penduduk", [KEPERLUAN], [],
     "Orang tersebut di atas adalah benar penduduk Desa {desa}, Kecamatan {kecamatan}, Kabupaten {kabupaten}, "
     "yang tercatat dalam data kependudukan desa.\nSurat keterangan ini dibuat untuk keperluan: {keperluan}."),
    ("S-07", "Surat Pengantar Surat Keterangan Catatan Kepolisian", [_f("keterangan", "Keterangan")],
     ["Pas foto 4x6 (2 lembar)"],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} dan sepanjang pengetahuan kami berkelakuan "
     "baik serta tidak tersangkut perkara pidana. Surat pengantar ini diberikan untuk permohonan Surat "
     "Keterangan Catatan Kepolisian (SKCK).\nKeterangan: {keterangan}."),
    ("S-08", "Surat Keterangan KTP dalam Proses", [], ["Bukti perekaman KTP-el"],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} yang telah melakukan perekaman KTP elektronik "
     "dan KTP-nya sedang dalam proses pencetakan. Surat keterangan ini dapat dipergunakan sebagai pengganti "
     "KTP sementara."),
    ("S-10", "Surat Keterangan Bepergian / Jalan", [_f("tujuan", "Tujuan"), KEPERLUAN], [],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} yang akan bepergian ke {tujuan}.\n"
     "Keperluan: {keperluan}."),
    ("S-12", "Surat Pengantar Izin Keramaian", [_f("jenis_acara", "Jenis acara"), KEPERLUAN], [],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} yang akan menyelenggarakan {jenis_acara}. "
     "Surat pengantar ini diberikan untuk mengurus izin keramaian.\nKeperluan: {keperluan}."),
    ("S-13", "Surat Pengantar Laporan Kehilangan", [_f("nama_barang", "Nama barang"), _f("rincian", "Rincian")], [],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} yang melaporkan kehilangan {nama_barang}.\n"
     "Rincian kehilangan: {rincian}.\nSurat pengantar ini diberikan untuk melapor kepada pihak kepolisian."),
    ("S-16", "Surat Keterangan Domisili Usaha", [_f("nama_usaha", "Nama usaha")], [],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} dan benar mempunyai usaha \"{nama_usaha}\" "
     "yang berdomisili di wilayah Desa {desa}, Kecamatan {kecamatan}, Kabupaten {kabupaten}."),
    ("S-30", "Surat Keterangan Pergi Kawin", [_f("tujuan", "Tujuan"), KEPERLUAN],
     ["Fotokopi akta kelahiran", "Pas foto 3x4 (2 lembar)"],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} yang akan melangsungkan pernikahan di "
     "{tujuan}.\nKeperluan: {keperluan}."),
    # OpenSID's other self-service templates (added to older installs by migration 12)
    ("S-09", "Surat Keterangan Beda Identitas",
     [_f("kartu_identitas", "Kartu/dokumen yang datanya berbeda"),
      _f("nomor_identitas", "Nomor kartu/dokumen", False), _f("perbedaan", "Data yang berbeda"), KEPERLUAN],
     ["Fotokopi kartu/dokumen yang datanya berbeda"],
     "Orang tersebut di atas adalah benar penduduk Desa {desa}. Pada {kartu_identitas} nomor {nomor_identitas} "
     "tercatat data yang berbeda dengan data kependudukan di atas: {perbedaan}. Kedua data tersebut adalah "
     "benar satu orang yang sama.\nSurat keterangan ini dibuat untuk keperluan: {keperluan}."),
    ("S-03", "Biodata Penduduk", [KEPERLUAN], [],
     "Orang tersebut di atas adalah benar penduduk Desa {desa}, Kecamatan {kecamatan}, Kabupaten {kabupaten}, "
     "dengan biodata sebagaimana tercatat dalam data kependudukan desa di atas.\n"
     "Biodata ini dibuat untuk keperluan: {keperluan}."),
    ("S-43", "Surat Pengantar Permohonan Penerbitan Buku Pas Lintas",
     [_f("tujuan", "Daerah tujuan di negara tetangga"), KEPERLUAN], ["Pas foto 4x6 (2 lembar)"],
     "Orang tersebut di atas adalah benar penduduk Desa {desa}, Kecamatan {kecamatan}, Kabupaten {kabupaten}, "
     "yang akan mengajukan permohonan penerbitan Buku Pas Lintas Batas untuk bepergian ke {tujuan}.\n"
     "Keperluan: {keperluan}."),
]
ADDED_SELF_SERVICE = ("S-09", "S-03", "S-43")

# OpenSID's code for a type we number under another code: Keterangan Usaha is S-14 in OpenSID, but villages
# have been numbering it 500 (DOMAIN.md) and its counter is keyed by the code, so it stays 500.
OPENSID_CODES = {"500": "S-14"}

# Migration 12 on an older install: (old code, new code, old default name, new name). A type whose name an
# admin has changed is left alone; a new code already taken keeps the old one. The counter (LetterSequence
# scope = code) moves with the code, so numbering continues; letter numbers already issued never change.
OPENSID_RENAMES: list[tuple[str, str, str, str]] = [
    ("S-11", "S-11", "Surat Keterangan Tidak Mampu", "Surat Keterangan Kurang Mampu"),
    ("S-01", "S-01", "Surat Pengantar", "Surat Keterangan Pengantar"),
    ("S-07", "S-07", "Pengantar SKCK", "Surat Pengantar Surat Keterangan Catatan Kepolisian"),
    ("S-10", "S-10", "Surat Keterangan Bepergian", "Surat Keterangan Bepergian / Jalan"),
    ("S-12", "S-12", "Pengantar Izin Keramaian", "Surat Pengantar Izin Keramaian"),
    ("S-13", "S-13", "Pengantar Laporan Kehilangan", "Surat Pengantar Laporan Kehilangan"),
    ("474.1", "S-17", "Surat Keterangan Kelahiran", "Surat Keterangan Kelahiran"),
    ("474.3", "S-21", "Surat Keterangan Kematian", "Surat Keterangan Kematian"),
    ("475.2", "S-04", "Surat Keterangan Pindah", "Surat Keterangan Pindah Penduduk"),
    ("593", "S-49", "Surat Keterangan Kepemilikan Tanah", "Surat Keterangan Kepemilikan Tanah"),
]


def seed_rows() -> list[dict]:
    """Rows for LetterType.insert_many (JSON columns already encoded)."""
    return [{"code": code, "name": name, "fields": json.dumps(fields, ensure_ascii=False),
             "requirements": json.dumps(BASIC_REQUIREMENTS + extra, ensure_ascii=False), "template": template,
             "validity_days": VALIDITY_DAYS, "self_service": True, "active": True, "sort_order": order}
            for order, (code, name, fields, extra, template) in enumerate(LETTER_TYPES)]


# Staff-only letters (births, deaths, moving house, marriage, land): residents ask at the counter, never at the
# kiosk (self_service False). Codes are OpenSID's (S-17 kelahiran, S-21 kematian, S-04 pindah, S-49 tanah);
# the marriage cover letter keeps the Kemendagri archive code 474.2. Seeded by migration 40.
STAFF_LETTER_TYPES: list[tuple[str, str, list[dict], list[str], str]] = [
    ("S-17", "Surat Keterangan Kelahiran",
     [_f("nama_bayi", "Nama bayi"), _f("jenis_kelamin_bayi", "Jenis kelamin bayi"),
      _f("tempat_lahir_bayi", "Tempat lahir"), _f("tanggal_lahir_bayi", "Tanggal lahir"),
      _f("nama_ayah", "Nama ayah"), _f("nama_ibu", "Nama ibu"), _f("hubungan_pelapor", "Hubungan pelapor", False)],
     ["Surat keterangan lahir dari bidan/rumah sakit", "Fotokopi buku nikah/akta perkawinan"],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} dan melaporkan kelahiran seorang anak "
     "{jenis_kelamin_bayi} bernama {nama_bayi}, lahir di {tempat_lahir_bayi} pada tanggal {tanggal_lahir_bayi}, "
     "dari ayah {nama_ayah} dan ibu {nama_ibu}.\nHubungan pelapor dengan bayi: {hubungan_pelapor}.\n"
     "Surat keterangan ini dibuat untuk mengurus akta kelahiran."),
    ("S-21", "Surat Keterangan Kematian",
     [_f("nama_almarhum", "Nama almarhum/almarhumah"), _f("nik_almarhum", "NIK almarhum/almarhumah", False),
      _f("tanggal_meninggal", "Tanggal meninggal"), _f("tempat_meninggal", "Tempat meninggal"),
      _f("sebab", "Sebab meninggal"), _f("hubungan_pelapor", "Hubungan pelapor")],
     ["Surat keterangan kematian dari dokter/rumah sakit (bila ada)", "KTP dan KK almarhum/almarhumah"],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} dan melaporkan bahwa {nama_almarhum} "
     "(NIK {nik_almarhum}) telah meninggal dunia pada tanggal {tanggal_meninggal} di {tempat_meninggal} "
     "karena {sebab}.\nHubungan pelapor dengan almarhum/almarhumah: {hubungan_pelapor}.\n"
     "Surat keterangan ini dibuat untuk mengurus akta kematian."),
    ("S-04", "Surat Keterangan Pindah Penduduk",
     [_f("alamat_tujuan", "Alamat tujuan"), _f("desa_tujuan", "Desa/Kelurahan tujuan"),
      _f("kecamatan_tujuan", "Kecamatan tujuan"), _f("kabupaten_tujuan", "Kabupaten/Kota tujuan"),
      _f("alasan_pindah", "Alasan pindah"), _f("anggota_pindah", "Anggota keluarga yang ikut pindah", False)],
     ["KK asli", "KTP asli"],
     "Orang tersebut di atas adalah benar penduduk Desa {desa}, Kecamatan {kecamatan}, Kabupaten {kabupaten}, "
     "yang akan pindah ke {alamat_tujuan}, Desa/Kelurahan {desa_tujuan}, Kecamatan {kecamatan_tujuan}, "
     "{kabupaten_tujuan}.\nAlasan pindah: {alasan_pindah}.\nAnggota keluarga yang ikut pindah: {anggota_pindah}."),
    ("474.2", "Surat Pengantar Nikah (N1)",
     [_f("nama_calon_pasangan", "Nama calon pasangan"), _f("nik_calon_pasangan", "NIK calon pasangan", False),
      _f("status_perkawinan", "Status perkawinan pemohon"), _f("nama_ayah", "Nama ayah pemohon"),
      _f("nama_ibu", "Nama ibu pemohon"), _f("tempat_nikah", "Tempat akad nikah"),
      _f("tanggal_nikah", "Tanggal akad nikah", False)],
     ["Fotokopi akta kelahiran", "Pas foto 3x4 (4 lembar)", "Fotokopi KTP calon pasangan"],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} dengan status perkawinan {status_perkawinan}, "
     "anak dari ayah {nama_ayah} dan ibu {nama_ibu}, yang akan menikah dengan {nama_calon_pasangan} "
     "(NIK {nik_calon_pasangan}) di {tempat_nikah} pada tanggal {tanggal_nikah}.\n"
     "Surat pengantar ini diberikan untuk mengurus pernikahan di Kantor Urusan Agama/Catatan Sipil."),
    ("S-49", "Surat Keterangan Kepemilikan Tanah",
     [_f("letak_tanah", "Letak tanah"), _f("luas_tanah", "Luas tanah (m²)"),
      _f("nomor_persil", "Nomor persil/letter C"), _f("batas_tanah", "Batas-batas tanah"),
      _f("asal_usul", "Asal-usul tanah"), KEPERLUAN],
     ["Bukti pembayaran PBB tahun terakhir", "Fotokopi letter C/petok D", "Surat pernyataan tidak sengketa"],
     "Orang tersebut di atas adalah benar penduduk Desa {desa} dan menurut buku tanah desa benar menguasai "
     "sebidang tanah di {letak_tanah} seluas {luas_tanah} m², persil/letter C nomor {nomor_persil}, dengan "
     "batas-batas {batas_tanah}, yang diperoleh dari {asal_usul}.\n"
     "Surat keterangan ini dibuat untuk keperluan: {keperluan}."),
]


def added_seed_rows(existing_codes: set[str], first_order: int) -> list[dict]:
    """Rows for the self-service types OpenSID has that an older install lacks (migration 12)."""
    rows = [row for row in seed_rows() if row["code"] in ADDED_SELF_SERVICE and row["code"] not in existing_codes]
    for offset, row in enumerate(rows):
        row["sort_order"] = first_order + offset
    return rows


def staff_seed_rows(existing_codes: set[str], first_order: int) -> list[dict]:
    """Rows for the staff-only types whose code is not used yet (an admin may have made one by hand)."""
    rows = []
    for code, name, fields, extra, template in STAFF_LETTER_TYPES:
        if code in existing_codes:
            continue
        rows.append({"code": code, "name": name, "fields": json.dumps(fields, ensure_ascii=False),
                     "requirements": json.dumps(BASIC_REQUIREMENTS + extra, ensure_ascii=False),
                     "template": template, "validity_days": VALIDITY_DAYS, "self_service": False, "active": True,
                     "sort_order": first_order + len(rows), "description": DESCRIPTIONS.get(code, "")})
    return rows


# One line for residents at the kiosk, under each letter's name (migration 16 copies these into
# LetterType.description where an admin has not written one; keyed by code so renamed types keep theirs).
DESCRIPTIONS: dict[str, str] = {
    "S-41": "Bukti bahwa Anda tinggal di alamat ini.",
    "500": "Bukti bahwa Anda punya usaha di desa ini.",
    "S-11": "Untuk keringanan biaya sekolah, berobat atau bantuan.",
    "S-01": "Pengantar umum dari desa untuk urusan di kantor lain.",
    "S-02": "Bukti bahwa Anda tercatat sebagai penduduk desa.",
    "S-07": "Pengantar desa untuk membuat SKCK di kantor polisi.",
    "S-08": "Pengganti KTP sementara selama KTP-el dicetak.",
    "S-10": "Keterangan untuk bepergian atau merantau.",
    "S-12": "Pengantar untuk izin acara atau hajatan.",
    "S-13": "Pengantar untuk melapor barang hilang ke polisi.",
    "S-16": "Bukti alamat tempat usaha Anda.",
    "S-30": "Pengantar untuk menikah di luar desa.",
    "S-09": "Bila nama atau data Anda berbeda di dua dokumen.",
    "S-03": "Ringkasan data kependudukan Anda dari buku desa.",
    "S-43": "Pengantar untuk membuat Pas Lintas Batas.",
    "S-17": "Untuk mengurus akta kelahiran.",
    "S-21": "Untuk mengurus akta kematian.",
    "S-04": "Untuk pindah ke desa atau kota lain.",
    "474.2": "Pengantar nikah (N1) untuk KUA atau Catatan Sipil.",
    "S-49": "Keterangan kepemilikan tanah menurut buku desa.",
}

# The purposes residents name most often, offered at the kiosk as one-tap choices for "Keperluan".
COMMON_PURPOSES: list[str] = ["Melamar pekerjaan", "Sekolah / kuliah", "Bank / kredit usaha", "Berobat / BPJS",
                              "Bantuan sosial", "Administrasi kependudukan"]
