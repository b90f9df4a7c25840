"""Anjungan Desa district hub: receives every village's signed batches, stores them once, shows a dashboard.

`district` never imports `edge_server`: the contract between them is the JSON of CONTRACTS.md section 4.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from flask import Flask, jsonify, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException

from anjungan_core.clock import Clock
from anjungan_core.files import read_or_create_secret
from anjungan_core.version import running_version

log = logging.getLogger(__name__)


def _secret_key(cfg) -> str:
    return cfg.secret_key or read_or_create_secret(Path(cfg.data_dir) / "secret_key")


class GuardedJSONProvider(DefaultJSONProvider):
    """`request.get_json()` parses through the one JSON guard (depth, size, numbers, text)."""

    def loads(self, s, **kwargs):
        from .safejson import load_json

        cfg = self._app.extensions.get("district_config")
        return load_json(s, max_bytes=cfg.max_decompressed_bytes if cfg else 8 * 1024 * 1024)


class _HubFlask(Flask):
    json_provider_class = GuardedJSONProvider


def create_app(config=None, *, clock=None, migrate_db: bool = True) -> Flask:
    """Build the hub app.

    :param config: a `DistrictConfig`; None loads defaults and DISTRICT_* environment variables.
    :param clock: an `anjungan_core.clock.Clock` (tests pass one they can move); defaults to the real clock in the
        regency's zone, moved by `clock_offset_seconds`.
    :param migrate_db: run migrations (the `serve` command runs them once before starting workers).
    """
    from flask_babel import Babel, get_locale
    from flask_wtf.csrf import CSRFProtect

    from .config import load_config
    from .db import database, migrate, open_database

    cfg = config or load_config()
    app = _HubFlask(__name__, instance_path=str(Path(cfg.data_dir).resolve()))
    app.config.update(
        SECRET_KEY=_secret_key(cfg),
        MAX_CONTENT_LENGTH=cfg.max_body_bytes,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=cfg.session_idle_minutes),
        WTF_CSRF_TIME_LIMIT=None,
        BABEL_DEFAULT_LOCALE="id",
        BABEL_TRANSLATION_DIRECTORIES=str(Path(__file__).parent / "translations"),
    )
    app.json.ensure_ascii = False
    app.extensions["district_config"] = cfg
    app.extensions["clock"] = clock or Clock(cfg.zone, timedelta(seconds=cfg.clock_offset_seconds))

    db = open_database(cfg.database_url, cfg.sqlite_path)
    if migrate_db:
        migrate(db)

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.get("/favicon.ico")
    def _favicon():
        """Browsers ask for it on every dashboard page: an icon, not a 404."""
        return app.send_static_file("favicon.ico"), 200, {"Cache-Control": "public, max-age=86400"}

    @app.teardown_request
    def _close(exc):
        if not database.is_closed():
            database.close()

    from .dashboard import select_locale

    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals["get_locale"] = get_locale
    csrf = CSRFProtect(app)

    from . import api_blueprint
    from .dashboard import init_app as init_dashboard
    from .public.views import public

    api_blueprint.init_app(app, csrf)
    init_dashboard(app)
    app.register_blueprint(public)

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if request.path.startswith("/api/"):
            code = {413: "too_large", 404: "not_found", 405: "method_not_allowed"}.get(exc.code, "bad_request")
            answer = jsonify({"error": {"code": code, "message": exc.description or exc.name}})
            for name, value in exc.get_headers():  # 405 keeps its Allow header
                if name.lower() != "content-type":
                    answer.headers[name] = value
            return answer, exc.code
        return exc

    from .safejson import JsonRefused

    @app.errorhandler(JsonRefused)
    def _json_refused(exc: JsonRefused):
        return jsonify({"error": {"code": exc.code, "message": exc.message}}), exc.status

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        if request.path.startswith("/api/"):
            return jsonify({"error": {"code": "internal_error", "message": "hub error; retry later"}}), 500
        from flask_babel import gettext

        return gettext("Terjadi kesalahan di server. Coba lagi sebentar lagi."), 500

    @app.get("/healthz")
    def healthz():
        """Liveness for load balancers."""
        return jsonify({"status": "ok", "version": running_version()})

    return app
