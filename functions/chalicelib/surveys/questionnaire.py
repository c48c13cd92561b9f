"""The questionnaire of PermenPAN-RB 14/2017: nine elements (unsur), each scored 1 to 4 with its own wording,
and the respondent profile the regulation asks for.

The questions and answer labels follow the sample questionnaire in the regulation's annex (Lampiran,
"Contoh Kuesioner"), as far as we could establish its wording; the order of the elements is the one of the
regulation's body (U1 persyaratan ... U9 sarana dan prasarana).
"""

from __future__ import annotations

from dataclasses import dataclass

SCORES = (1, 2, 3, 4)


@dataclass(frozen=True)
class Element:
    code: str  # U1 .. U9, as the regulation numbers them
    key: str  # the form field and the open-data key
    name: str
    question: str
    labels: tuple[str, str, str, str]  # the answer for score 1, 2, 3 and 4

    def label(self, score: int) -> str:
        return self.labels[score - 1]


ELEMENTS: tuple[Element, ...] = (
    Element(
        "U1",
        "persyaratan",
        "Persyaratan",
        "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    Element(
        "U2",
        "prosedur",
        "Sistem, Mekanisme, dan Prosedur",
        "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
        ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
    ),
    Element(
        "U3",
        "waktu",
        "Waktu Penyelesaian",
        "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
        ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
    ),
    Element(
        "U4",
        "biaya",
        "Biaya/Tarif",
        "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
        ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
    ),
    Element(
        "U5",
        "produk",
        "Produk Spesifikasi Jenis Pelayanan",
        "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar"
        " pelayanan dengan hasil yang diberikan?",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    Element(
        "U6",
        "kompetensi",
        "Kompetensi Pelaksana",
        "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
        ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
    ),
    Element(
        "U7",
        "perilaku",
        "Perilaku Pelaksana",
        "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
        ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"),
    ),
    Element(
        "U8",
        "pengaduan",
        "Penanganan Pengaduan, Saran, dan Masukan",
        "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
        ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"),
    ),
    Element(
        "U9",
        "sarana",
        "Sarana dan Prasarana",
        "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
        ("Buruk", "Cukup", "Baik", "Sangat baik"),
    ),
)

# The respondent profile (Lampiran: "Profil Responden"): choices as the annex lists them.
SEXES = ("Laki-laki", "Perempuan")
EDUCATIONS = ("SD ke bawah", "SMP", "SMA", "D1-D2-D3", "D4-S1", "S2 ke atas")
OCCUPATIONS = ("PNS", "TNI", "Polri", "Swasta", "Wirausaha", "Lainnya")
MIN_AGE = 10
MAX_AGE = 120
MAX_SUGGESTION = 2000
