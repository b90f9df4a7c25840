"""Anjungan Desa edge server: the village hall's queue, letters, staff console, board and outbox."""
from __future__ import annotations

import logging
import os
import traceback
from datetime import timedelta
from pathlib import Path

from flask import Flask, jsonify, request
from flask_babel import Babel
from flask_wtf.csrf import CSRFProtect
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

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
    from .db import database, migrate, open_database

    cfg = config or load_config(os.environ.get("ANJUNGAN_CONFIG"))
    app = EdgeFlask(__name__, instance_path=str(Path(cfg.data_dir).resolve()))
    app.url_map.converters["int"] = BoundedIntConverter
    app.config.update(
        SECRET_KEY=_secret_key(cfg),
        MAX_CONTENT_LENGTH=MAX_BODY,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=cfg.staff_session_minutes),
        WTF_CSRF_TIME_LIMIT=None,  # the session expiry bounds the token's life
        BABEL_DEFAULT_LOCALE="id",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
        JSON_SORT_KEYS=False,
    )
    app.json.ensure_ascii = False
    app.extensions["edge_config"] = cfg
    app.extensions["clock"] = clock or Clock(cfg.zone)

    db = open_database(cfg.database_path)
    migrate(db)
    _ensure_village_profile(cfg)

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.get("/favicon.ico")
    def _favicon():
        """Browsers ask for it on every page (console, board, public pages): an icon, not a 404 in the log."""
        return app.send_static_file("favicon.ico"), 200, {"Cache-Control": "public, max-age=86400"}

    @app.teardown_request
    def _close(exc):
        if not database.is_closed():
            database.close()

    from flask_babel import get_locale

    from .i18n import select_locale

    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    csrf = CSRFProtect(app)

    _register_areas(app, csrf)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if request.path.startswith(("/api/", "/staff/api/")):
            from .api import http_error_json

            return http_error_json(exc)
        return exc

    from .clock import ClockUntrusted

    @app.errorhandler(ClockUntrusted)
    def _clock_untrusted(exc: ClockUntrusted):
        message = f"Jam server belum dapat dipercaya, jadi nomor belum bisa dibuat. {exc} Hubungi petugas."
        if request.path.startswith(("/api/", "/staff/api/")):
            return jsonify({"error": {"code": "clock_untrusted", "message": message}}), 503
        return message, 503

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        from .inputs import loggable

        # escaped by hand: a lone surrogate in the path or the exception must not break the log line itself
        trace = "".join(traceback.format_exception(exc))
        log.error("unhandled error on %s %s\n%s", loggable(request.method, 10), loggable(request.path),
                  loggable(trace, 20_000))
        if request.path.startswith(("/api/", "/staff/api/", "/survey/")):
            return jsonify({"error": {"code": "internal_error",
                                      "message": "Terjadi kesalahan di server. Coba lagi."}}), 500
        return "Terjadi kesalahan di server. Coba lagi.", 500

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
