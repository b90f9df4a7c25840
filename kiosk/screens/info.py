"""Village information: the village, office hours and announcements from the edge server."""

from __future__ import annotations

from typing import Any

from kivy.properties import DictProperty
from kivy.utils import escape_markup

from kiosk.messages import N_
from kiosk.screens import KioskScreen


class InfoScreen(KioskScreen):
    title = N_("Informasi Desa")
    info = DictProperty({})

    def enter(self, **kwargs: Any) -> None:
        self.app.controller.load_info(self._loaded, self.app.show_error)

    def _loaded(self, info: dict[str, Any]) -> None:
        self.info = info

    def on_info(self, *_: Any) -> None:
        self.refresh_language()

    def refresh_language(self) -> None:
        if not self.info:
            return
        _ = self.app.tr._
        village = self.info.get("village", {})
        about = [f"[b]{escape_markup(_('Desa {name}').format(name=village.get('name', '')))}[/b]"]
        where = ", ".join(part for part in (
            village.get("address", ""),
            _("Kecamatan {name}").format(name=village["kecamatan"]) if village.get("kecamatan") else "",
            _("Kabupaten {name}").format(name=village["kabupaten"]) if village.get("kabupaten") else "") if part)
        if where:
            about.append(escape_markup(where))
        if village.get("phone"):
            about.append(_("Telepon: {phone}").format(phone=escape_markup(village["phone"])))
        hours = [f"[b]{_('Jam layanan')}[/b]"]
        for row in self.info.get("office_hours", []):
            state = _("Buka sekarang") if row.get("open_now") else _("Tutup sekarang")
            hours.append(f"{escape_markup(row.get('name', row.get('service', '')))}: "
                         f"{escape_markup(row.get('days', ''))} {row.get('open', '')}-{row.get('close', '')} "
                         f"({state})")
        news = [f"[b]{_('Pengumuman')}[/b]"]
        for item in self.info.get("announcements", []):
            news.append(f"[b]{escape_markup(item.get('title', ''))}[/b]\n{escape_markup(item.get('body', ''))}")
        if len(news) == 1:
            news.append(_("Belum ada pengumuman."))
        self.ids.about.text = "\n".join(about)
        self.ids.hours.text = "\n".join(hours)
        self.ids.news.text = "\n\n".join(news)
