"""The OpenAPI 3 description of the kiosk API, served at /api/v1/openapi.json."""
from __future__ import annotations

from flask import jsonify

from anjungan_core.version import running_version

from ..survey.rules import IMPROVE_TOPICS
from . import kiosk_api

_ERROR = {"$ref": "#/components/schemas/Error"}


def _op(summary: str, ok: str = "200", body: dict | None = None, auth: bool = True, session: bool = False,
        errors: tuple[str, ...] = ("400", "401")) -> dict:
    op: dict = {"summary": summary, "responses": {ok: {"description": "OK"}}}
    for code in errors:
        op["responses"][code] = {"description": "Error", "content": {"application/json": {"schema": _ERROR}}}
    if not auth:
        op["security"] = []
    params = []
    if session:
        params.append({"name": "X-Kiosk-Session", "in": "header", "required": False, "schema": {"type": "string"}})
    if params:
        op["parameters"] = params
    if body:
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return op


def spec() -> dict:
    # Bodies as the server checks them (tests/edge_server/test_openapi_fuzz.py holds the two to each other).
    ticket_body = {"type": "object", "required": ["service"], "additionalProperties": False, "properties": {
        "service": {"type": "string", "pattern": "^[A-Za-z]$"}, "priority": {"type": "boolean"}}}
    identify_body = {"oneOf": [
        {"type": "object", "required": ["scan"], "additionalProperties": False,
         "properties": {"scan": {"type": "string"}}},
        {"type": "object", "required": ["nik", "pin"], "additionalProperties": False,
         "properties": {"nik": {"type": "string"}, "pin": {"type": "string"}}}]}
    letter_body = {"type": "object", "required": ["type", "fields"], "additionalProperties": False, "properties": {
        "type": {"type": "string"}, "fields": {"type": "object"}}}
    heartbeat_body = {"type": "object", "properties": {
        "version": {"type": "string"},
        "printer": {"type": "object", "nullable": True,
                    "properties": {"online": {"type": "boolean"},
                                   "paper": {"enum": ["ok", "low", "out", "unknown"]}}},
        "scanner": {"type": "object", "nullable": True, "properties": {"connected": {"type": "boolean"}}}}}
    survey_body = {"type": "object", "required": ["score"], "properties": {
        "score": {"type": "integer", "minimum": 1, "maximum": 5},
        "improve": {"type": "string", "nullable": True, "enum": ["", *IMPROVE_TOPICS]},
        "service": {"type": "string", "nullable": True, "pattern": "^[A-Za-z]?$"},
        "ticket_id": {"type": "string", "nullable": True, "maxLength": 64}}}
    pair_body = {"type": "object", "required": ["code"], "properties": {
        "code": {"type": "string", "minLength": 1, "maxLength": 40, "pattern": "^[ -~]*[!-~][ -~]*$"},
        "name": {"type": "string", "minLength": 1, "maxLength": 80, "pattern": "\\S"}}}
    take = _op("Take a queue ticket", "201", ticket_body, session=True, errors=("400", "401", "404", "409", "503"))
    take["responses"]["200"] = {"description": "The ticket an earlier request with this Idempotency-Key made"}
    take["parameters"].append({"name": "Idempotency-Key", "in": "header", "required": False,
                               "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "\\S"}})
    return {
        "openapi": "3.0.3",
        "info": {"title": "Anjungan Desa kiosk API", "version": running_version()},
        "servers": [{"url": "/api/v1"}],
        "security": [{"deviceToken": []}],
        "components": {
            "securitySchemes": {"deviceToken": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": {"type": "object", "required": ["error"], "properties": {"error": {
                "type": "object", "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}},
        },
        "paths": {
            "/health": {"get": _op("Liveness and village", auth=False, errors=())},
            "/devices/pair": {"post": _op("Pair a device with a one-time code", "201", pair_body, auth=False,
                                          errors=("400", "401", "429"))},
            "/devices/pair/check": {"post": _op("Whether a pairing code would pair now (it stays unused)", body={
                "type": "object", "required": ["code"], "properties": {"code": pair_body["properties"]["code"]}},
                auth=False, errors=("400", "401", "429"))},
            "/devices/heartbeat": {"post": _op("Device status", body=heartbeat_body)},
            "/services": {"get": _op("Services with waiting counts and estimates")},
            "/tickets": {"post": take},
            "/tickets/{id}": {"get": {**_op("A ticket", errors=("401", "404")), "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]}},
            "/identify": {"post": _op("Identify a resident by scan or NIK and PIN", body=identify_body,
                                      errors=("400", "401", "404", "429"))},
            "/letter-types": {"get": _op("Self-service letter types")},
            "/letters": {"post": _op("Request a letter", "201", letter_body, session=True,
                                     errors=("400", "401", "403", "404")),
                         "get": _op("The resident's letter requests", session=True, errors=("401", "403"))},
            "/info": {"get": _op("Village information, announcements, office hours")},
            "/tickets/{id}/printed": {"post": {**_op("Report whether the ticket's receipt printed", body={
                "type": "object", "required": ["printed"],
                "properties": {"printed": {"type": "boolean"}, "error": {"type": "string"}}},
                errors=("400", "401", "404")), "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}]}},
            "/cameras": {"get": _op("Public CCTV cameras with their last good image")},
            "/links": {"get": _op("Links residents can take home, with QR codes")},
            "/survey": {"get": _op("The satisfaction question"),
                        "post": _op("Store a satisfaction answer", "201", survey_body,
                                    errors=("400", "401", "404", "409"))},
            **{path: {"get": {**_op("A signed image (no token; the signature is the key)", auth=False,
                                    errors=("404",)),
                              "parameters": [{"name": n, "in": "path", "required": True, "schema": {"type": t}}
                                             for n, t in params]}}
               for path, params in (
                   ("/media/announcements/{announcement_id}/{sig}.jpg",
                    (("announcement_id", "integer"), ("sig", "string"))),
                   ("/media/cameras/{camera_id}/{sig}.jpg", (("camera_id", "integer"), ("sig", "string"))),
                   ("/media/links/{link_id}/{sig}.png", (("link_id", "integer"), ("sig", "string"))))},
        },
    }


@kiosk_api.get("/openapi.json")
def openapi_json():
    """The API description."""
    return jsonify(spec())
