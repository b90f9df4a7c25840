"""Anjungan Desa district hub: receives every village's signed batches, stores them once, shows a dashboard.

`district` never imports `edge_server`: the contract between them is the JSON of CONTRACTS.md section 4.
"""
from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from flask import Flask, jsonify
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException

from anjungan_core import webapp
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


def _http_error_json(exc: HTTPException):
    """An HTTP error under /api as the sync contract's JSON error (a 405 keeps its Allow header)."""
    code = {413: "too_large", 404: "not_found", 405: "method_not_allowed"}.get(exc.code, "bad_request")
    answer = jsonify({"error": {"code": code, "message": exc.description or exc.name}})
    return webapp.keep_headers(answer, exc), exc.code


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
    webapp.configure(app, secret_key=_secret_key(cfg), max_body=cfg.max_body_bytes,
                     session_minutes=cfg.session_idle_minutes, translations=Path(__file__).parent / "translations")
    app.extensions["district_config"] = cfg
    app.extensions["clock"] = clock or Clock(cfg.zone, timedelta(seconds=cfg.clock_offset_seconds))

    db = open_database(cfg.database_url, cfg.sqlite_path)
    if migrate_db:
        migrate(db)

    webapp.connection_per_request(app, database)
    webapp.serve_favicon(app)  # the dashboard's pages

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

    from flask_babel import gettext

    webapp.json_errors(app, json_paths=("/api/",), http_error=_http_error_json,
                       internal_message="hub error; retry later",
                       page_message=lambda: gettext("Terjadi kesalahan di server. Coba lagi sebentar lagi."))

    from .safejson import JsonRefused

    @app.errorhandler(JsonRefused)
    def _json_refused(exc: JsonRefused):
        return jsonify({"error": {"code": exc.code, "message": exc.message}}), exc.status

    @app.get("/healthz")
    def healthz():
        """Liveness for load balancers."""
        return jsonify({"status": "ok", "version": running_version()})

    return app
