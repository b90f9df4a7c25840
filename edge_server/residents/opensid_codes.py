"""OpenSID's reference tables (values only, no I/O): the codes its "Ekspor Penduduk" writes, mapped to the one
spelling we store and print on letters; its "Ekspor Penduduk Huruf" writes the same values as upper-case labels,
which map to the same spelling.

Source: OpenSID's public seed data for `tweb_penduduk_agama`, `tweb_penduduk_pendidikan_kk`,
`tweb_penduduk_pekerjaan` (1-89), `tweb_penduduk_kawin`, `tweb_penduduk_hubungan`, `tweb_penduduk_warganegara`,
`tweb_golongan_darah`, `tweb_cacat`, `tweb_status_dasar` and `tweb_penduduk_sex`.
"""
from __future__ import annotations

import re
from functools import lru_cache

SEX = {"1": "L", "2": "P"}
SEX_LABELS = {"L": "Laki-laki", "P": "Perempuan"}

RELIGION = {"1": "Islam", "2": "Kristen", "3": "Katholik", "4": "Hindu", "5": "Budha", "6": "Khonghucu",
            "7": "Kepercayaan Terhadap Tuhan YME"}

EDUCATION = {"1": "Tidak/Belum Sekolah", "2": "Belum Tamat SD/Sederajat", "3": "Tamat SD/Sederajat",
             "4": "SLTP/Sederajat", "5": "SLTA/Sederajat", "6": "Diploma I/II", "7": "Akademi/Diploma III/S. Muda",
             "8": "Diploma IV/Strata I", "9": "Strata II", "10": "Strata III"}

OCCUPATION = {
    "1": "Belum/Tidak Bekerja", "2": "Mengurus Rumah Tangga", "3": "Pelajar/Mahasiswa", "4": "Pensiunan",
    "5": "Pegawai Negeri Sipil (PNS)", "6": "Tentara Nasional Indonesia (TNI)", "7": "Kepolisian RI (POLRI)",
    "8": "Perdagangan", "9": "Petani/Pekebun", "10": "Peternak", "11": "Nelayan/Perikanan", "12": "Industri",
    "13": "Konstruksi", "14": "Transportasi", "15": "Karyawan Swasta", "16": "Karyawan BUMN",
    "17": "Karyawan BUMD", "18": "Karyawan Honorer", "19": "Buruh Harian Lepas", "20": "Buruh Tani/Perkebunan",
    "21": "Buruh Nelayan/Perikanan", "22": "Buruh Peternakan", "23": "Pembantu Rumah Tangga",
    "24": "Tukang Cukur", "25": "Tukang Listrik", "26": "Tukang Batu", "27": "Tukang Kayu",
    "28": "Tukang Sol Sepatu", "29": "Tukang Las/Pandai Besi", "30": "Tukang Jahit", "31": "Tukang Gigi",
    "32": "Penata Rias", "33": "Penata Busana", "34": "Penata Rambut", "35": "Mekanik", "36": "Seniman",
    "37": "Tabib", "38": "Paraji", "39": "Perancang Busana", "40": "Penterjemah", "41": "Imam Masjid",
    "42": "Pendeta", "43": "Pastor", "44": "Wartawan", "45": "Ustadz/Mubaligh", "46": "Juru Masak",
    "47": "Promotor Acara", "48": "Anggota DPR-RI", "49": "Anggota DPD", "50": "Anggota BPK", "51": "Presiden",
    "52": "Wakil Presiden", "53": "Anggota Mahkamah Konstitusi", "54": "Anggota Kabinet Kementerian",
    "55": "Duta Besar", "56": "Gubernur", "57": "Wakil Gubernur", "58": "Bupati", "59": "Wakil Bupati",
    "60": "Walikota", "61": "Wakil Walikota", "62": "Anggota DPRD Provinsi", "63": "Anggota DPRD Kabupaten/Kota",
    "64": "Dosen", "65": "Guru", "66": "Pilot", "67": "Pengacara", "68": "Notaris", "69": "Arsitek",
    "70": "Akuntan", "71": "Konsultan", "72": "Dokter", "73": "Bidan", "74": "Perawat", "75": "Apoteker",
    "76": "Psikiater/Psikolog", "77": "Penyiar Televisi", "78": "Penyiar Radio", "79": "Pelaut", "80": "Peneliti",
    "81": "Sopir", "82": "Pialang", "83": "Paranormal", "84": "Pedagang", "85": "Perangkat Desa",
    "86": "Kepala Desa", "87": "Biarawati", "88": "Wiraswasta", "89": "Lainnya",
}

MARITAL = {"1": "Belum Kawin", "2": "Kawin", "3": "Cerai Hidup", "4": "Cerai Mati"}

FAMILY_RELATION = {"1": "Kepala Keluarga", "2": "Suami", "3": "Istri", "4": "Anak", "5": "Menantu", "6": "Cucu",
                   "7": "Orangtua", "8": "Mertua", "9": "Famili Lain", "10": "Pembantu", "11": "Lainnya"}

CITIZENSHIP = {"1": "WNI", "2": "WNA", "3": "Dua Kewarganegaraan"}

BLOOD_TYPE = {"1": "A", "2": "B", "3": "AB", "4": "O", "5": "A+", "6": "A-", "7": "B+", "8": "B-", "9": "AB+",
              "10": "AB-", "11": "O+", "12": "O-", "13": "Tidak Tahu"}

DISABILITY = {"1": "Cacat Fisik", "2": "Cacat Netra/Buta", "3": "Cacat Rungu/Wicara", "4": "Cacat Mental/Jiwa",
              "5": "Cacat Fisik dan Mental", "6": "Cacat Lainnya", "7": "Tidak Cacat"}

LIFE_STATUS = {"1": "Hidup", "2": "Mati", "3": "Pindah", "4": "Hilang", "6": "Pergi", "9": "Tidak Valid"}
ALIVE = "Hidup"

# stored field -> its table; the importer maps every one of these columns
TABLES: dict[str, dict[str, str]] = {
    "religion": RELIGION, "education": EDUCATION, "occupation": OCCUPATION, "marital_status": MARITAL,
    "family_relation": FAMILY_RELATION, "citizenship": CITIZENSHIP, "blood_type": BLOOD_TYPE,
    "disability": DISABILITY, "life_status": LIFE_STATUS,
}
# other spellings seen in exports and older CSV files, by the normalised key
_ALIASES: dict[str, dict[str, str]] = {
    "religion": {"KATOLIK": "3", "BUDDHA": "5", "KONGHUCU": "6", "KHONG HU CU": "6",
                 "KEPERCAYAAN TERHADAP TUHAN YME/LAINNYA": "7", "KEPERCAYAAN": "7", "LAINNYA": "7"},
    "marital_status": {"BELUM MENIKAH": "1", "MENIKAH": "2", "CERAI": "3"},
    "occupation": {"TNI": "6", "POLRI": "7", "PNS": "5"},
}


def normalise_label(text: str) -> str:
    """`Tamat SD / Sederajat` and `TAMAT SD/SEDERAJAT` are one label: upper case, single spaces, no space
    around `/`."""
    text = " ".join(text.split()).upper()
    return re.sub(r"\s*/\s*", "/", text)


def _build_lookup() -> dict[str, dict[str, str]]:
    lookup: dict[str, dict[str, str]] = {}
    for field, table in TABLES.items():
        by_key = {normalise_label(label): label for label in table.values()}
        for alias, code in _ALIASES.get(field, {}).items():
            by_key.setdefault(normalise_label(alias), table[code])
        lookup[field] = by_key
    return lookup


_LOOKUP = _build_lookup()


@lru_cache(maxsize=8192)  # an export repeats the same few values 100,000 times
def to_label(field: str, value: str) -> str | None:
    """The stored spelling for a code ("9") or a label in any case ("PETANI/PEKEBUN"); "" for empty or a stored
    0 (OpenSID writes 0 as empty); None when the value is in neither the table nor its known spellings."""
    value = value.strip()
    if value in ("", "0", "-"):
        return ""
    table = TABLES[field]
    if value.isdigit():
        return table.get(str(int(value)))
    return _LOOKUP[field].get(normalise_label(value))


def display_label(field: str, value: str) -> str:
    """For printing values stored before labels were mapped: a known code or label becomes its spelling,
    anything else is shown as it is."""
    return to_label(field, value or "") or (value or "")
