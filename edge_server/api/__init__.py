"""The kiosk JSON API under /api/v1 (CONTRACTS.md section 2)."""
from __future__ import annotations

import functools

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from anjungan_core import webapp

from ..devices import device_for_token
from ..errors import ApiError
from ..inputs import json_object

kiosk_api = Blueprint("kiosk_api", __name__, url_prefix="/api/v1")


def json_body() -> dict:
    """The request's JSON object, or a 400 that says what is wrong with it (edge_server.inputs guards it)."""
    return json_object()


def bearer_token(header: str) -> str:
    """The token of an `Authorization: Bearer <token>` header, or "" (no header, another scheme)."""
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def device_required(view):
    """Resolve `Authorization: Bearer <device token>` to g.device, or answer 401."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        device = device_for_token(bearer_token(request.headers.get("Authorization", "")))
        if device is None:
            raise ApiError(401, "invalid_token", _("Token perangkat tidak ada atau tidak berlaku."))
        g.device = device
        return view(*args, **kwargs)

    return wrapper


def clock():
    return current_app.extensions["clock"]


def config():
    return current_app.extensions["edge_config"]


@kiosk_api.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return jsonify(exc.to_json()), exc.status


@kiosk_api.errorhandler(HTTPException)
def http_error_json(exc: HTTPException):
    """Any HTTP error under /api as the contract's JSON error, in the user's language."""
    codes = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
             405: "method_not_allowed", 413: "body_too_large", 415: "unsupported_media_type",
             429: "too_many_requests"}
    messages = {413: _("Badan permintaan melebihi 64 KiB."), 404: _("Alamat API tidak dikenal."),
                405: _("Metode tidak diizinkan untuk alamat ini.")}
    code = exc.code or 500
    response = jsonify({"error": {"code": codes.get(code, "error"),
                                  "message": messages.get(code, exc.description or "")}})
    return webapp.keep_headers(response, exc), code  # e.g. Allow on a 405, Retry-After on a 429


def init_app(app, csrf) -> None:
    """Register the kiosk API; each module named here adds its routes to `kiosk_api`."""
    from . import devices, identity, info, letters, media, openapi, survey, tickets  # noqa: F401

    csrf.exempt(kiosk_api)
    app.register_blueprint(kiosk_api)
