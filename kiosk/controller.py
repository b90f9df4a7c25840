"""The kiosk's business side: talks to the edge server, the printer and the scanner. No widgets.

Every call that may block (HTTP, printing, printer status) runs in a worker thread; its result comes back on the
UI thread through ``post`` (Kivy's Clock by default). A visit counter drops results that arrive after the resident
has left, so a slow answer never greets or prints for the next person.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from anjungan_core.ids import time_ordered_uuid
from anjungan_core.nik import looks_like_permanent_nik
from anjungan_core.version import running_version
from kiosk.api_client import ApiError, EdgeClient, EdgeUnavailable
from kiosk.config import KioskConfig
from kiosk.localtime import in_zone, zone_for
from kiosk.messages import next_step
from kiosk.models import DeviceState, LetterResult, Resident, TicketResult, parse_time
from kiosk.pictures import Picture, PictureCache, decode_picture, link_receipt

log = logging.getLogger(__name__)

Post = Callable[..., None]


def kivy_post(fn: Callable[..., None], *args: Any) -> None:
    """Run ``fn(*args)`` on the Kivy main thread at the next frame."""
    from kivy.clock import Clock

    Clock.schedule_once(lambda _dt: fn(*args), 0)


class Controller:
    """Runs the kiosk's calls off the UI thread and keeps the visit and device state."""

    def __init__(self, config: KioskConfig, client: EdgeClient | None = None, post: Post = kivy_post,
                 printer_factory: Callable[[str], Any] | None = None, workers: int = 4) -> None:
        self.config = config
        self.client = client or EdgeClient(config.edge_url, config.token, config.request_timeout,
                                           fingerprint=config.edge_fingerprint)
        self.post = post
        self.printer_factory = printer_factory
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kiosk")
        self.printer: Any = None
        self.scanner: Any = None
        self.state = DeviceState()
        self.resident: Resident | None = None
        self.visit = 0
        self._print_lock = threading.Lock()
        self.pending = 0
        self.pictures = PictureCache()
        # Listeners the app sets; all are called on the UI thread.
        self.on_busy: Callable[[bool, str], None] = lambda busy, label: None
        self.on_state: Callable[[DeviceState], None] = lambda state: None
        self.on_scan: Callable[[str], None] = lambda raw: None

    @property
    def zone(self) -> tzinfo:
        """The village's zone: what the edge said in /health, else the config's, else WIB; never this machine's."""
        return zone_for(self.state.village.get("timezone"), self.config.timezone)

    def local(self, moment: datetime) -> datetime:
        """An instant from the edge as the village's wall-clock time."""
        return in_zone(moment, self.zone)

    def edge_now(self) -> datetime:
        """The time as the edge server knows it, in the village's zone: a Pi has no battery clock, so the kiosk
        shows and uses the edge's time (the offset learnt from the last heartbeat), not its own."""
        return self.local(datetime.now(UTC) + timedelta(seconds=self.client.clock_offset or 0.0))

    # ----- running work -------------------------------------------------------------------------------------

    def run(self, work: Callable[[], Any], on_done: Callable[[Any], None],
            on_error: Callable[[Exception], None] | None = None, label: str = "",
            any_visit: bool = False) -> Future:
        """Run ``work`` in a worker; call ``on_done(result)`` or ``on_error(exc)`` on the UI thread.

        Results of a visit that has ended are dropped unless ``any_visit``. ``label`` non-empty marks the call
        as one the resident waits for (the app shows a spinner with that label past half a second).
        """
        visit = self.visit
        if label:
            self.pending += 1
            self.on_busy(True, label)

        def finish(future: Future) -> None:
            if label:
                self.pending -= 1
                self.on_busy(self.pending > 0, label)
            if visit != self.visit and not any_visit:
                log.info("dropped a result from an earlier visit")
                return
            exc = future.exception()
            if exc is None:
                on_done(future.result())
                return
            if isinstance(exc, EdgeUnavailable):
                self._set_edge_online(False)
            if on_error is None:
                log.error("kiosk call failed: %s", exc)
            else:
                on_error(exc)

        future = self.executor.submit(work)
        future.add_done_callback(lambda f: self.post(finish, f))
        return future

    def _set_edge_online(self, online: bool) -> None:
        if self.state.edge_online != online:
            log.warning("edge server %s", "reachable again" if online else "unreachable")
        self.state.edge_online = online
        self.on_state(self.state)

    def _publish_state(self) -> None:
        """From a worker: tell the UI about a device state change."""
        self.post(self.on_state, self.state)

    # ----- visit ---------------------------------------------------------------------------------------------
    def end_visit(self) -> None:
        """Forget the resident and drop every answer still on its way for them."""
        if self.resident:
            log.info("visit ended, resident forgotten")
        self.resident = None
        self.visit += 1

    # ----- devices -------------------------------------------------------------------------------------------
    def _open_printer(self) -> Any:
        if self.printer is None:
            factory = self.printer_factory
            if factory is None:
                from drivers.printer import open_printer as factory
            self.printer = factory(self.printer_url)
        return self.printer

    @property
    def printer_url(self) -> str:
        """The configured URL, with the configured paper width unless the URL names a width or profile."""
        url = self.config.printer
        if "width=" in url or "profile=" in url:
            return url
        return f"{url}{'&' if '?' in url else '?'}width={self.config.paper_width}"

    def set_printer(self, printer: Any) -> None:
        """Use another printer (a technician swap, or a test's scripted fault)."""
        old, self.printer = self.printer, printer
        if old is not None and old is not printer:
            old.close()

    def refresh_printer_status(self) -> dict[str, Any]:
        """Ask the printer for its state (in a worker); an unopenable printer counts as offline."""
        from drivers.printer import PrinterError

        try:
            status = self._open_printer().status()
            self.state.printer = {"online": bool(status.online), "paper": str(status.paper)}
        except (PrinterError, OSError, ValueError) as exc:
            log.warning("printer status unavailable: %s", exc)
            self.state.printer = {"online": False, "paper": "unknown"}
        return self.state.printer

    def _print(self, receipt: Any) -> str | None:
        """Print one receipt; return None when printed or a fault word (``paper_out``, ``offline``, ``error``)."""
        from drivers.printer import PaperOut, PrinterError, PrinterOffline

        fault = None
        with self._print_lock:
            try:
                self._open_printer().print(receipt)
                if self.state.printer.get("paper") == "out" or not self.state.printer.get("online"):
                    self.state.printer = {"online": True, "paper": "ok"}
                    self._publish_state()
            except PaperOut:
                fault, self.state.printer = "paper_out", {"online": True, "paper": "out"}
            except PrinterOffline:
                fault, self.state.printer = "offline", {"online": False, "paper": "unknown"}
            except (PrinterError, OSError, ValueError) as exc:
                log.error("printing failed: %s", exc)
                fault, self.state.printer = "error", {"online": False, "paper": "unknown"}
        if fault:
            log.warning("receipt not printed: %s", fault)
            self._publish_state()
            self._send_heartbeat(refresh=False)
        return fault

    def start_scanner(self) -> None:
        """Open the configured scanner; scans reach ``on_scan`` on the UI thread."""
        from drivers.scanner import open_scanner

        def scanned(text: str) -> None:  # may run on the scanner's own thread
            self.post(self.on_scan, text)

        try:
            self.scanner = open_scanner(self.config.scanner, scanned)
            self.scanner.start()
        except (OSError, ValueError) as exc:
            log.error("scanner %s unavailable: %s", self.config.scanner, exc)
            self.scanner = None

    def feed_keys(self, text: str) -> bool:
        """Pass window key text to a keyboard-wedge scanner; True when there is one."""
        from drivers.scanner import KeyboardScanner

        if isinstance(self.scanner, KeyboardScanner):
            self.scanner.feed_text(text)
            return True
        return False

    def _send_heartbeat(self, refresh: bool = True) -> None:
        if refresh:
            self.refresh_printer_status()
        self.state.scanner_connected = bool(getattr(self.scanner, "connected", False))
        try:
            self.client.heartbeat(running_version(), dict(self.state.printer),
                                  {"connected": self.state.scanner_connected})
        except ApiError as exc:
            log.error("heartbeat refused: %s", exc.code)

    def heartbeat(self) -> Future:
        """Send a heartbeat (at start and every 30 s) with the version, printer and scanner state."""
        def work() -> None:
            self._send_heartbeat()
            if not self.state.village:
                self.state.village = self.client.health().get("village", {})

        def done(_: None) -> None:
            self._set_edge_online(True)

        return self.run(work, done, on_error=lambda exc: log.warning("heartbeat failed: %s", exc),
                        any_visit=True)

    def check_edge(self, on_done: Callable[[bool], None]) -> Future:
        """Ask the edge server for its health; ``on_done(True)`` when it answers."""
        def work() -> bool:
            self.state.village = self.client.health().get("village", {}) or self.state.village
            return True

        def done(_: bool) -> None:
            self._set_edge_online(True)
            on_done(True)

        return self.run(work, done, on_error=lambda exc: on_done(False), any_visit=True)

    # ----- queue ---------------------------------------------------------------------------------------------
    def load_services(self, on_done: Callable[[list], None], on_error: Callable[[Exception], None]) -> Future:
        return self.run(self.client.services, on_done, on_error, label="loading")

    def take_ticket(self, service: str, priority: bool, on_done: Callable[[TicketResult], None],
                    on_error: Callable[[Exception], None]) -> Future:
        """Take a ticket (retrying once with the same Idempotency-Key) and print its receipt."""
        key = time_ordered_uuid()  # the edge indexes keys: time-ordered ones land on the index's last page
        session = self.resident.session if self.resident else None
        village = self.village_name

        def work() -> TicketResult:
            ticket = self._retry_once(lambda: self.client.take_ticket(service, priority, key, session))
            log.info("ticket %s taken", ticket.get("number"))
            self.post(self.on_busy, True, "printing")
            fault = self._print_ticket(ticket, village)
            return TicketResult(ticket, fault is None, fault)

        # A ticket once taken is shown whatever happened meanwhile (a scan, a timeout): it has been printed.
        return self.run(work, on_done, on_error, label="ticket", any_visit=True)

    def _print_ticket(self, ticket: dict[str, Any], village: str) -> str | None:
        """Print a ticket's receipt and tell the edge server whether it printed (staff reprint failed ones)."""
        from drivers.receipt import queue_ticket_receipt

        receipt = queue_ticket_receipt(
            village_name=village, service_code=ticket["service"],
            service_name=ticket.get("service_name", ""), number=ticket["number"],
            issued_at=self.local(parse_time(ticket.get("issued_at"))), ahead=int(ticket.get("position", 0)),
            estimated_wait_minutes=int(ticket.get("estimated_wait_minutes", 0)),
            track_url=ticket.get("track_url", ""), priority=bool(ticket.get("priority")))
        fault = self._print(receipt)
        try:
            self.client.report_print(ticket["id"], fault is None, fault or "")
        except (ApiError, EdgeUnavailable) as exc:
            log.warning("could not report the print result: %s", exc)
        return fault

    @staticmethod
    def _retry_once(call: Callable[[], Any]) -> Any:
        """Call again once after a timeout or a dropped connection; the caller's call must be idempotent."""
        try:
            return call()
        except EdgeUnavailable as exc:
            log.warning("retrying once after: %s", exc)
            time.sleep(0.5)
            return call()

    @property
    def village_name(self) -> str:
        name = self.state.village.get("name", "")
        return f"Desa {name}" if name and not name.lower().startswith("desa") else name

    # ----- identity ------------------------------------------------------------------------------------------
    def identify_scan(self, raw: str, on_done: Callable[[Resident], None],
                      on_error: Callable[[Exception], None]) -> Future:
        """Identify the resident from a scan; a new scan always ends the previous visit first."""
        self.end_visit()
        nik = raw.strip() if looks_like_permanent_nik(raw) else None
        return self.run(lambda: self.client.identify_scan(raw.strip()),
                        lambda answer: on_done(self._keep(answer, nik)), on_error, label="identify")

    def identify_pin(self, nik: str, pin: str, on_done: Callable[[Resident], None],
                     on_error: Callable[[Exception], None]) -> Future:
        return self.run(lambda: self.client.identify_pin(nik, pin),
                        lambda answer: on_done(self._keep(answer, nik)), on_error, label="identify")

    def _keep(self, answer: dict[str, Any], nik: str | None) -> Resident:
        resident = answer.get("resident", {})
        self.resident = Resident(answer["session"], answer.get("level", "basic"),
                                 resident.get("name_masked", ""), resident.get("nik_masked", ""), nik)
        log.info("resident identified (%s session)", self.resident.level)
        return self.resident

    # ----- letters -------------------------------------------------------------------------------------------
    def _session(self) -> str:
        if not self.resident:
            raise ApiError(401, "invalid_session", "no resident identified")
        return self.resident.session

    def load_letter_types(self, on_done: Callable[[list], None], on_error: Callable[[Exception], None]) -> Future:
        session = self.resident.session if self.resident else None
        return self.run(lambda: self.client.letter_types(session), on_done, on_error, label="loading")

    def load_letters(self, on_done: Callable[[list], None], on_error: Callable[[Exception], None]) -> Future:
        return self.run(lambda: self.client.letters(self._session()), on_done, on_error, label="loading")

    def submit_letter(self, letter_type: dict[str, Any], fields: dict[str, str],
                      on_done: Callable[[LetterResult], None], on_error: Callable[[Exception], None]) -> Future:
        """Send the request, then print its receipt with the reference, documents to bring and a QR."""
        session = self._session()
        name_masked = self.resident.name_masked if self.resident else ""
        village = self.village_name

        def work() -> LetterResult:
            answer = self.client.create_letter(letter_type["code"], fields, session)
            letter = answer["letter"]
            log.info("letter request %s sent", letter.get("reference"))
            self.post(self.on_busy, True, "printing")
            from drivers.receipt import letter_receipt

            receipt = letter_receipt(
                village_name=village, reference=letter["reference"],
                letter_type_name=letter.get("type_name") or letter_type.get("name", ""),
                status_label=letter.get("status_label", ""),
                requirements=list(letter_type.get("requirements", [])), track_url=letter.get("track_url", ""),
                created_at=self.local(parse_time(letter.get("created_at"))), name_masked=name_masked,
                next_step=next_step(letter.get("status", 0), letter.get("to_bring",
                                                                         letter_type.get("requirements", []))))
            fault = self._print(receipt)
            ticket = answer.get("ticket")
            if ticket and fault is None:  # the village gives a pickup ticket with the request
                fault = self._print_ticket(ticket, village)
            return LetterResult(letter, ticket, fault is None, fault)

        return self.run(work, on_done, on_error, label="letter", any_visit=True)

    # ----- information ---------------------------------------------------------------------------------------
    def load_info(self, on_done: Callable[[dict], None], on_error: Callable[[Exception], None]) -> Future:
        return self.run(self.client.info, on_done, on_error, label="loading")

    def load_cameras(self, on_done: Callable[[list], None], on_error: Callable[[Exception], None],
                     quiet: bool = False) -> Future:
        """The camera list; ``quiet`` for the gallery's own refresh (no spinner over a screen being read)."""
        return self.run(self.client.cameras, on_done, on_error, label="" if quiet else "loading")

    def load_links(self, on_done: Callable[[list], None], on_error: Callable[[Exception], None]) -> Future:
        return self.run(self.client.links, on_done, on_error, label="loading")

    def load_picture(self, url: str, on_done: Callable[[Picture], None],
                     on_error: Callable[[Exception], None] | None = None) -> Future | None:
        """Fetch and decode a picture in a worker; ``on_done`` gets RGBA pixels for a texture (UI thread).

        Pictures are kept by URL (the edge changes the URL when the picture changes), so a gallery refresh
        fetches only what is new. A failed load only logs: the widget keeps what it showed.
        """
        cached = self.pictures.get(url)
        if cached is not None:
            on_done(cached)
            return None

        def work() -> Picture:
            picture = decode_picture(self.client.picture(url))
            self.pictures.put(url, picture)
            return picture

        def failed(exc: Exception) -> None:
            log.warning("picture not loaded: %s", exc)
            if on_error is not None:
                on_error(exc)

        # A picture failing is no reason to call the edge server unreachable: keep the state as it is.
        return self.run(work, on_done, failed, any_visit=True)

    def print_link(self, link: dict[str, Any], on_done: Callable[[str | None], None],
                   on_error: Callable[[Exception], None]) -> Future:
        """Print a link's QR code on a receipt; ``on_done(None)`` when printed, else the fault word."""
        receipt = link_receipt(link)
        return self.run(lambda: self._print(receipt), on_done, on_error, label="printing", any_visit=True)

    # ----- satisfaction survey -------------------------------------------------------------------------------
    def load_survey(self, on_done: Callable[[dict], None], on_error: Callable[[Exception], None]) -> Future:
        return self.run(self.client.survey, on_done, on_error, label="loading")

    def answer_survey(self, score: int, improve: str, on_done: Callable[[None], None],
                      on_error: Callable[[Exception], None]) -> Future:
        """Send the answer with no identity, even when a resident is identified (the survey is anonymous)."""
        return self.run(lambda: self.client.answer_survey(score, improve), on_done, on_error, label="loading",
                        any_visit=True)

    def close(self) -> None:
        """Stop the scanner, close the printer and the workers."""
        if self.scanner is not None:
            self.scanner.stop()
        if self.printer is not None:
            self.printer.close()
        self.executor.shutdown(wait=False, cancel_futures=True)
