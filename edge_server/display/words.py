"""Numbers and calls in spoken Indonesian (pure functions)."""
from __future__ import annotations

_UNITS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh",
          "sebelas"]


def number_words(n: int) -> str:
    """12 -> 'dua belas', 100 -> 'seratus', 1234 -> 'seribu dua ratus tiga puluh empat'."""
    if n < 0:
        return "minus " + number_words(-n)
    if n < 12:
        return _UNITS[n]
    if n < 20:
        return f"{_UNITS[n - 10]} belas"
    if n < 100:
        tens, rest = divmod(n, 10)
        return f"{_UNITS[tens]} puluh" + (f" {_UNITS[rest]}" if rest else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = "seratus" if hundreds == 1 else f"{_UNITS[hundreds]} ratus"
        return head + (f" {number_words(rest)}" if rest else "")
    if n < 1_000_000:
        thousands, rest = divmod(n, 1000)
        head = "seribu" if thousands == 1 else f"{number_words(thousands)} ribu"
        return head + (f" {number_words(rest)}" if rest else "")
    millions, rest = divmod(n, 1_000_000)
    return f"{number_words(millions)} juta" + (f" {number_words(rest)}" if rest else "")


def call_sentence(prefix: str, number: int, counter: int) -> str:
    """'Nomor antrian A dua belas, silakan menuju loket dua.'"""
    return f"Nomor antrian {prefix} {number_words(number)}, silakan menuju loket {number_words(counter)}."
