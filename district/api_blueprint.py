"""The hub's `/api/v1` blueprint, shared by its two route modules (`api.py`: sync and summaries; `files_api.py`:
backups and releases), with what every API route has in common: JSON errors and the signing-header guard."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from anjungan_core.regions import dotted_village_code

from .ingest import IngestError
from .models import Village
from .releases import VERSION
from .signing import headers_ascii

api = Blueprint("api", __name__, url_prefix="/api/v1")


def config():
    return current_app.extensions["district_config"]


def error(status: int, code: str, message: str, **extra):
    """The contract's JSON error."""
    return jsonify({"error": {"code": code, "message": message}, **extra}), status


@api.errorhandler(IngestError)
def _ingest_error(exc: IngestError):
    return jsonify(exc.to_json()), exc.status


@api.before_request
def _plain_headers():
    """Every X-Anjungan-* header is printable ASCII (a `\\xe9` or a `²` is refused here, for every route)."""
    bad = headers_ascii(request.headers)
    if bad:
        raise IngestError(400, "bad_header", f"{bad} must be printable ASCII")


def note_edge_version(code: str) -> None:
    """Remember the edge software version a village reported in `X-Anjungan-Edge-Version` (signed request)."""
    version = request.headers.get("X-Anjungan-Edge-Version", "").strip()[:40]
    dotted = dotted_village_code(code)
    if version and dotted and VERSION.match(version):
        Village.update(edge_version=version).where(
            (Village.code == dotted) & (Village.edge_version != version)).execute()


def init_app(app, csrf) -> None:
    """Register the API: each module named here adds its routes to `api`."""
    from . import api as sync_routes  # noqa: F401
    from . import files_api  # noqa: F401

    csrf.exempt(api)
    app.register_blueprint(api)
