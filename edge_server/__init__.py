"""Anjungan Desa edge server: the village hall's queue, letters, staff console, board and outbox."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask, jsonify, request
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import IntegerConverter

from anjungan_core import webapp
from anjungan_core.files import read_or_create_secret
from anjungan_core.regions import dotted_village_code

from .inputs import GuardedJSONProvider

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route: at most 19 digits and within SQLite's INTEGER, so a huge id is a 404."""

    regex = r"[0-9]{1,19}"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


class EdgeFlask(Flask):
    """Flask whose JSON parser is the input guard: every request.get_json() refuses deep or broken JSON."""

    json_provider_class = GuardedJSONProvider


def _secret_key(cfg) -> str:
    return cfg.secret_key or read_or_create_secret(Path(cfg.data_dir) / "secret_key")


def create_app(config=None, *, clock=None) -> Flask:
    """Build the edge server app.

    :param config: an `EdgeConfig`, or None to load `ANJUNGAN_CONFIG` / environment variables.
    :param clock: a `Clock` (tests pass one they can move); defaults to the real clock in the village zone.
    """
    from .clock import Clock
    from .config import load_config
    from .db import adopt_page_size, database, migrate, open_database
    from .group_commit import GroupCommit
    from .queue.catalog import Catalog

    cfg = config or load_config(os.environ.get("ANJUNGAN_CONFIG"))
    app = EdgeFlask(__name__, instance_path=str(Path(cfg.data_dir).resolve()))
    app.url_map.converters["int"] = BoundedIntConverter
    webapp.configure(app, secret_key=_secret_key(cfg), max_body=MAX_BODY, session_minutes=cfg.staff_session_minutes,
                     translations=Path(__file__).parent / "translations")
    app.extensions["edge_config"] = cfg
    app.extensions["clock"] = clock or Clock(cfg.zone)
    app.extensions["queue_catalog"] = Catalog()  # services, hours, counters: reloaded when they change
    app.extensions["group_commit"] = GroupCommit()  # concurrent ticket takes share one transaction

    adopt_page_size(cfg.database_path)  # an older file: small pages, before any connection (once)
    db = open_database(cfg.database_path)
    migrate(db)
    _ensure_village_profile(cfg)

    webapp.connection_per_request(app, database)
    webapp.serve_favicon(app)  # the console, the board and the public pages

    from flask_babel import get_locale

    from .i18n import select_locale

    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    csrf = CSRFProtect(app)

    _register_areas(app, csrf)

    from .api.ticket_route import TicketRoute

    app.wsgi_app = TicketRoute(app, app.wsgi_app, MAX_BODY)  # a kiosk's plain take, answered before Flask

    from .api import http_error_json

    webapp.json_errors(app, json_paths=("/api/", "/staff/api/", "/survey/"), http_error=http_error_json,
                       internal_message="Terjadi kesalahan di server. Coba lagi.",
                       page_message=lambda: "Terjadi kesalahan di server. Coba lagi.")

    from .clock import ClockUntrusted

    @app.errorhandler(ClockUntrusted)
    def _clock_untrusted(exc: ClockUntrusted):
        message = f"Jam server belum dapat dipercaya, jadi nomor belum bisa dibuat. {exc} Hubungi petugas."
        if request.path.startswith(("/api/", "/staff/api/")):
            return jsonify({"error": {"code": "clock_untrusted", "message": message}}), 503
        return message, 503

    return app


def _ensure_village_profile(cfg) -> None:
    """A fresh install (provisioning writes village_code and village_name) gets its profile row."""
    from .models import VillageProfile

    if cfg.village_code and not VillageProfile.select().exists():
        dotted = dotted_village_code(cfg.village_code) or cfg.village_code
        VillageProfile.create(code=dotted, name=cfg.village_name or dotted, timezone=cfg.timezone)


def _register_areas(app: Flask, csrf: CSRFProtect) -> None:
    """The kiosk API, console, board, public pages and survey: each registers its blueprint in `init_app`."""
    from . import api, display, public, staff, survey

    for area in (api, staff, display, public, survey):
        area.init_app(app, csrf)
