"""Translations with stdlib gettext: the msgids are the Indonesian strings, so Indonesian needs no catalogue.

``Translator`` is a Kivy ``Observable``: a kv rule written ``text: app.tr._("Ambil Nomor Antrian")`` is evaluated
again whenever the language changes. When a compiled ``.mo`` is missing (a fresh dev checkout before ``make setup``)
the ``.po`` next to it is read directly, so English still works.
"""

from __future__ import annotations

import ast
import gettext
import logging
import os
from collections.abc import Callable
from typing import Any

from kivy.lang import Observable

log = logging.getLogger(__name__)

LOCALE_DIR = os.path.join(os.path.dirname(__file__), "translations")
DOMAIN = "kiosk"


class PoTranslations(gettext.NullTranslations):
    """A catalogue read straight from a ``.po`` file (single and multi-line entries; no plurals needed)."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.catalog = read_po(path)

    def gettext(self, message: str) -> str:
        return self.catalog.get(message) or message


def read_po(path: str) -> dict[str, str]:
    """Parse ``msgid``/``msgstr`` pairs from a ``.po`` file; fuzzy and empty entries are skipped."""
    catalog: dict[str, str] = {}
    msgid: list[str] = []
    msgstr: list[str] = []
    target: list[str] | None = None
    fuzzy = False

    def flush() -> None:
        key, value = "".join(msgid), "".join(msgstr)
        if key and value and not fuzzy:
            catalog[key] = value

    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith("msgid "):
                flush()
                msgid, msgstr, target = [], [], None
                msgid.append(ast.literal_eval(line[6:]))
                target = msgid
            elif line.startswith("msgstr "):
                msgstr.append(ast.literal_eval(line[7:]))
                target = msgstr
            elif line.startswith('"') and target is not None:
                target.append(ast.literal_eval(line))
            elif not line:
                flush()
                msgid, msgstr, target, fuzzy = [], [], None, False
    flush()
    return catalog


def load_translations(language: str, localedir: str = LOCALE_DIR) -> gettext.NullTranslations:
    """The catalogue for ``language``: the ``.mo``, else the ``.po``, else none (the Indonesian msgids)."""
    if language == "id":
        return gettext.NullTranslations()
    try:
        return gettext.translation(DOMAIN, localedir, languages=[language])
    except OSError:
        po = os.path.join(localedir, language, "LC_MESSAGES", f"{DOMAIN}.po")
        if os.path.exists(po):
            log.info("no compiled catalogue for %s, reading %s", language, po)
            return PoTranslations(po)
        log.error("no translations for language %s", language)
        return gettext.NullTranslations()


class Translator(Observable):
    """``_`` translates into the current language; kv expressions using it follow language switches."""

    def __init__(self, language: str = "id", localedir: str = LOCALE_DIR) -> None:
        super().__init__()
        self.localedir = localedir
        self.observers: list[tuple[Callable, Any, dict]] = []
        self.language = ""
        self._translations: gettext.NullTranslations = gettext.NullTranslations()
        self.switch(language)

    def _(self, text: str) -> str:
        return self._translations.gettext(text)

    def fbind(self, name: str, func: Callable, *largs: Any, **kwargs: Any) -> Any:
        if name == "_":
            # kv passes its rule arguments as one positional value and calls back with them.
            self.observers.append((func, largs[0] if len(largs) == 1 else largs, kwargs))
            return None
        return super().fbind(name, func, *largs, **kwargs)

    def funbind(self, name: str, func: Callable, *largs: Any, **kwargs: Any) -> Any:
        if name == "_":
            key = (func, largs[0] if len(largs) == 1 else largs, kwargs)
            if key in self.observers:
                self.observers.remove(key)
            return None
        return super().funbind(name, func, *largs, **kwargs)

    def switch(self, language: str) -> None:
        """Change language and re-evaluate every bound kv expression."""
        if language == self.language:
            return
        self.language = language
        self._translations = load_translations(language, self.localedir)
        alive = []
        for observer in self.observers:
            func, largs, _kwargs = observer
            try:
                func(largs, None, None)
            except ReferenceError:  # a kv rule of a widget that is gone (a card of a list drawn again)
                continue
            alive.append(observer)
        self.observers[:] = alive
