"""Village information in five sections, each one tap away: announcements, office hours, public cameras,
take-home links (QR on screen and on a receipt) and the village profile. Data comes through the controller."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, ColorProperty, DictProperty, ListProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.utils import escape_markup

from anjungan_core.calendar_words import DAYS, MONTHS, zone_label
from kiosk.messages import N_, PRINT_FAULTS
from kiosk.screens import KioskScreen

SECTIONS = {"news": N_("Pengumuman"), "hours": N_("Jam Layanan"), "cameras": N_("Kamera"),
            "links": N_("Tautan"), "profile": N_("Profil Desa")}
CAMERA_REFRESH_SECONDS = 30
OPEN_BAND = (0.86, 0.95, 0.87, 1)
CLOSED_BAND = (0.86, 0.86, 0.86, 1)


class InfoCard(BoxLayout):
    """A bordered card of text (and a picture); ``band`` is its background."""

    band = ColorProperty((1, 1, 1, 1))


class CameraCard(BoxLayout):
    """One public camera: the edge's last picture, and over it in words when the camera is not answering."""

    image_url = StringProperty("")
    available = BooleanProperty(True)
    status_text = StringProperty("")
    caption = StringProperty("")


class LinkCard(BoxLayout):
    """One take-home link: its QR code as large as the card, the words, and Cetak."""

    link = DictProperty({})
    qr_url = StringProperty("")
    words = StringProperty("")
    print_action = ObjectProperty(None, allownone=True)


def local(value: str | None, zone: Any = None) -> datetime | None:
    """An edge time in the village's time: one with the village's offset (``opens_at``) as it is, a UTC one
    (``...Z``) in ``zone`` (the offset the edge's local times carry; else this machine's zone)."""
    if not value:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(zone) if moment.utcoffset() == timedelta(0) else moment


def when_text(moment: datetime, _: Any, now: datetime | None = None) -> str:
    """``hari ini pukul 08.00``, ``besok pukul 08.00`` or ``Senin, 6 April pukul 08.00``: said, not coded."""
    now = now or datetime.now(moment.tzinfo)
    zone = zone_label(moment)
    at = f"{moment.hour:02d}.{moment.minute:02d}" + (f" {zone}" if zone else "")
    if moment.date() == now.date():
        return _("hari ini pukul {time}").format(time=at)
    if moment.date() == now.date() + timedelta(days=1):
        return _("besok pukul {time}").format(time=at)
    return _("{day}, {date} {month} pukul {time}").format(
        day=_(DAYS[moment.weekday()]), date=moment.day, month=_(MONTHS[moment.month - 1]),
        time=at)


def days_text(days: str, _: Any) -> str:
    """The edge's day summary (``Senin-Jumat``, ``Setiap hari``) in the current language."""
    if days == "Setiap hari":
        return _("Setiap hari")
    for day in DAYS:
        days = days.replace(day, _(day))
    return days


class InfoScreen(KioskScreen):
    title = N_("Informasi Desa")
    info = DictProperty({})
    cameras = ListProperty([])
    links = ListProperty([])
    section = StringProperty("news")
    loaded = DictProperty({})  # section -> True once its data has arrived

    def enter(self, section: str = "news", **kwargs: Any) -> None:
        self.info, self.cameras, self.links, self.loaded = {}, [], [], {}
        self._camera_cards: dict[int, CameraCard] = {}
        self._cameras_due: float | None = None
        self.show(section)
        self.on_section()
        self.app.controller.load_info(self._info_loaded, self.app.show_error)
        self._tick_event = Clock.schedule_interval(self._tick, 1.0)

    def leave(self) -> None:
        if getattr(self, "_tick_event", None) is not None:
            self._tick_event.cancel()
            self._tick_event = None

    @property
    def zone(self) -> Any:
        """The village's UTC offset, learnt from the local times /info gives, else the village zone the edge told."""
        for row in self.info.get("office_hours", []):
            opens = row.get("opens_at")
            if opens:
                return datetime.fromisoformat(opens).tzinfo
        return self.app.controller.zone

    def show(self, section: str) -> None:
        """Open one section (a tab tap); cameras and links are asked for when first shown."""
        self.section = section
        self.title = SECTIONS[section]
        if self.app.sm.current == self.name:
            self.app.screen_title = self.title
        self.ids.scroll.scroll_y = 1
        if section == "cameras" and "cameras" not in self.loaded:
            self.refresh_cameras(quiet=False)
        if section == "links" and "links" not in self.loaded:
            self.app.controller.load_links(self._links_loaded, self.app.show_error)

    def refresh_cameras(self, quiet: bool = True) -> None:
        self._cameras_due = self.app.now() + CAMERA_REFRESH_SECONDS
        self.app.controller.load_cameras(self._cameras_loaded, self._cameras_failed, quiet=quiet)

    def _tick(self, _dt: float) -> None:
        """Every second: refresh the gallery when it is shown and due (the app's clock, so tests can move it)."""
        if self.section == "cameras" and self._cameras_due is not None and self.app.now() >= self._cameras_due:
            self.refresh_cameras()

    def _info_loaded(self, info: dict[str, Any]) -> None:
        self.info = info
        self.loaded["info"] = True
        self.render()

    def _cameras_loaded(self, cameras: list[dict[str, Any]]) -> None:
        self.cameras = cameras
        self.loaded["cameras"] = True
        if self.section == "cameras":
            self.render()

    def _cameras_failed(self, exc: Exception) -> None:
        if "cameras" not in self.loaded:  # a failed background refresh keeps the gallery as it was
            self.app.show_error(exc)

    def _links_loaded(self, links: list[dict[str, Any]]) -> None:
        self.links = links
        self.loaded["links"] = True
        if self.section == "links":
            self.render()

    def on_section(self, *_: Any) -> None:
        for tab in self.ids.tabs.children:
            tab.selected = tab.section == self.section
        self.render()

    def refresh_language(self) -> None:
        self._camera_cards = {}
        self.render()

    # ----- sections ------------------------------------------------------------------------------------------
    def render(self) -> None:
        content = self.ids.content
        if self.section != "cameras":
            self._camera_cards = {}
            content.clear_widgets()
        needed = "info" if self.section in ("news", "hours", "profile") else self.section
        if needed not in self.loaded:
            content.clear_widgets()
            content.add_widget(self._card(self.app.tr._("Sedang memuat...")))
            return
        getattr(self, f"_render_{self.section}")(content)

    def _card(self, text: str, band: tuple = (1, 1, 1, 1), picture_url: str = "") -> InfoCard:
        from kiosk.widgets import RemotePicture, TextLabel

        card = InfoCard(band=band)
        if picture_url:
            card.add_widget(RemotePicture(url=picture_url, size_hint=(0.42, None),
                                          height=self.app.s * 190))
        card.add_widget(TextLabel(text=text))
        return card

    def _render_news(self, content: Any) -> None:
        _ = self.app.tr._
        items = self.info.get("announcements", [])
        for item in items:
            text = f"[b]{escape_markup(item.get('title', ''))}[/b]\n{escape_markup(item.get('body', ''))}"
            url = item.get("image_url") or ""
            if url:
                url += ("&" if "?" in url else "?") + "w=480"
            content.add_widget(self._card(text, picture_url=url))
        if not items:
            content.add_widget(self._card(_("Belum ada pengumuman.")))

    def _render_hours(self, content: Any) -> None:
        _ = self.app.tr._
        for row in self.info.get("office_hours", []):
            name = f"[b]{escape_markup(row.get('name', row.get('service', '')))}[/b]"
            if row.get("always_open"):
                hours = _("Buka setiap hari, 24 jam")
            else:
                hours = f"{days_text(row.get('days', ''), _)}, {row.get('open', '').replace(':', '.')}-" \
                        f"{row.get('close', '').replace(':', '.')}"
            if row.get("open_now"):
                state = f"[b]{_('Buka sekarang')}[/b]"
            else:
                opens = local(row.get("opens_at"), self.zone)
                state = f"[b]{_('Tutup')}[/b]. " + (
                    _("Buka lagi {when}.").format(when=when_text(opens, _)) if opens
                    else _("Tanyakan kepada petugas kapan buka lagi."))
            content.add_widget(self._card(f"{name}\n{state}\n{hours}",
                                          OPEN_BAND if row.get("open_now") else CLOSED_BAND))
        holidays = self.info.get("holidays", [])
        if holidays:
            lines = [f"[b]{_('Hari libur')}[/b]"]
            for day in holidays:
                moment = datetime.fromisoformat(day["date"])
                lines.append(f"{_(DAYS[moment.weekday()])}, {moment.day} "
                             f"{_(MONTHS[moment.month - 1])}: {escape_markup(day.get('name', ''))}")
            content.add_widget(self._card("\n".join(lines)))

    def _render_cameras(self, content: Any) -> None:
        _ = self.app.tr._
        ids = [camera["id"] for camera in self.cameras]
        if list(self._camera_cards) != ids:
            content.clear_widgets()
            self._camera_cards = {}
            for camera_id in ids:
                self._camera_cards[camera_id] = card = CameraCard()
                content.add_widget(card)
        for camera in self.cameras:
            card = self._camera_cards[camera["id"]]
            card.available = bool(camera.get("available"))
            card.caption = f"[b]{escape_markup(camera.get('name', ''))}[/b]  " \
                           f"{escape_markup(camera.get('location', ''))}"
            card.image_url = camera.get("image_url") or ""
            shown = local(camera.get("updated_at"), self.zone)
            card.status_text = f"[b]{_('Kamera tidak tersedia')}[/b]\n" + (
                _("Gambar terakhir {when}").format(when=when_text(shown, _)) if shown
                else _("Belum ada gambar"))
        if not self.cameras:
            content.clear_widgets()
            content.add_widget(self._card(_("Belum ada kamera umum.")))

    def _render_links(self, content: Any) -> None:
        _ = self.app.tr._
        height = max(self.app.s * 220, self.ids.scroll.height - self.app.s * 10)
        for link in self.links:
            url = link.get("qr_png_url") or ""
            words = [f"[b]{escape_markup(link.get('title', ''))}[/b]"]
            if link.get("description"):
                words.append(escape_markup(link["description"]))
            words.append(f"[size={int(self.app.s * 20)}]{escape_markup(link.get('url', ''))}[/size]")
            words.append(f"[size={int(self.app.s * 20)}]{_('Pindai kode QR dengan ponsel Anda.')}[/size]")
            content.add_widget(LinkCard(link=link, qr_url=url + ("&" if "?" in url else "?") + "scale=8"
                                        if url else "", words="\n".join(words), print_action=self.print_link,
                                        height=height))
        if not self.links:
            content.add_widget(self._card(_("Belum ada tautan.")))

    def _render_profile(self, content: Any) -> None:
        _ = self.app.tr._
        village = self.info.get("village", {})
        where = ", ".join(part for part in (
            village.get("address", ""),
            _("Kecamatan {name}").format(name=village["kecamatan"]) if village.get("kecamatan") else "",
            _("Kabupaten {name}").format(name=village["kabupaten"]) if village.get("kabupaten") else "") if part)
        about = [f"[b]{escape_markup(_('Desa {name}').format(name=village.get('name', '')))}[/b]"]
        if where:
            about.append(escape_markup(where))
        content.add_widget(self._card("\n".join(about)))
        people = [f"[b]{_('Pemerintah Desa')}[/b]"]
        if village.get("head_name"):
            people.append(f"{escape_markup(village.get('head_title') or _('Kepala Desa'))}: "
                          f"{escape_markup(village['head_name'])}")
        people += [f"{escape_markup(o.get('position', ''))}: {escape_markup(o.get('name', ''))}"
                   for o in self.info.get("officials", [])]
        if len(people) > 1:
            content.add_widget(self._card("\n".join(people)))
        contacts = [f"[b]{_('Kontak')}[/b]"]
        if village.get("phone"):
            contacts.append(_("Telepon: {phone}").format(phone=escape_markup(village["phone"])))
        contacts += [f"{escape_markup(c.get('label', ''))}: {escape_markup(c.get('value', ''))}"
                     for c in self.info.get("contacts", [])]
        if len(contacts) > 1:
            content.add_widget(self._card("\n".join(contacts)))

    # ----- printing a link -----------------------------------------------------------------------------------
    def print_link(self, link: dict[str, Any]) -> None:
        self.app.controller.print_link(link, self._printed, self.app.show_error)

    def _printed(self, fault: str | None) -> None:
        if fault is None:
            self.app.sounds.play("printed")
            self.app.show_notice(N_("Struk sudah dicetak. Silakan ambil di bawah layar."))
        else:
            self.app.show_notice(PRINT_FAULTS.get(fault, PRINT_FAULTS["error"]), error=True)
