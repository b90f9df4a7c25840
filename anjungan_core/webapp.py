"""The Flask skeleton the edge server and the district hub share: the app's settings, one database connection per
request, the favicon, and errors as the contracts' JSON on API paths (a 500 logged safely, whatever it held)."""
from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


def loggable(text: object, limit: int = 300) -> str:
    """``text`` as pure ASCII (escapes for the rest, lone surrogates too), cut to ``limit``: always safe to log."""
    return str(text)[:limit].encode("ascii", "backslashreplace").decode("ascii")


def configure(app: Flask, *, secret_key: str, max_body: int, session_minutes: int, translations: Path) -> None:
    """Settings both apps share: secret key, body limit, cookie rules, session life, Indonesian first."""
    app.config.update(
        SECRET_KEY=secret_key,
        MAX_CONTENT_LENGTH=max_body,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=session_minutes),
        WTF_CSRF_TIME_LIMIT=None,  # the session's expiry bounds the token's life
        BABEL_DEFAULT_LOCALE="id",
        BABEL_TRANSLATION_DIRECTORIES=str(translations),
    )
    app.json.ensure_ascii = False


def connection_per_request(app: Flask, database) -> None:
    """Each request takes a connection of ``database`` (a peewee proxy) and gives it back at the end."""

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not database.is_closed():
            database.close()


def serve_favicon(app: Flask) -> None:
    """Browsers ask for it on every page: an icon from the app's static folder, not a 404 in the log."""

    @app.get("/favicon.ico")
    def _favicon():
        return app.send_static_file("favicon.ico"), 200, {"Cache-Control": "public, max-age=86400"}


def keep_headers(answer: Response, exc: HTTPException) -> Response:
    """Copy an HTTP error's own headers (``Allow`` on a 405, ``Retry-After`` on a 429) onto a JSON answer."""
    for name, value in exc.get_headers():
        if name.lower() != "content-type":
            answer.headers[name] = value
    return answer


def json_errors(app: Flask, *, json_paths: tuple[str, ...], http_error: Callable[[HTTPException], object],
                internal_message: str, page_message: Callable[[], str]) -> None:
    """Errors on ``json_paths`` answer JSON ``{"error": {"code", "message"}}``; elsewhere the usual pages.

    :param http_error: the JSON answer for an HTTP error (each app has the codes its contract names).
    :param internal_message: the JSON message of a 500 (never the exception's text).
    :param page_message: the text of a 500 page (translated when called).
    """

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        return http_error(exc) if request.path.startswith(json_paths) else exc

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        # escaped by hand: a lone surrogate in the path or the exception must not break the log line itself
        log.error("unhandled error on %s %s\n%s", loggable(request.method, 10), loggable(request.path),
                  loggable("".join(traceback.format_exception(exc)), 20_000))
        if request.path.startswith(json_paths):
            return jsonify({"error": {"code": "internal_error", "message": internal_message}}), 500
        return page_message(), 500
