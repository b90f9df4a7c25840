"""POST /api/v1/tickets answered below Flask, for the take a kiosk makes all day: a device token, a JSON body,
a new number.

Why: a Flask request that does nothing cost about 0.15 ms of CPU here (request context, session, URL matching,
hooks, response object), which was a third of a whole ticket. This route runs the same steps as the view
(api/tickets.py: the same body check, order, group commit take and answer) without them, and finds the kiosk's
device in the per-process catalog (queue/catalog.py) rather than reading its row, nor the catalog's version: the
take's own statement checks that, inside the write transaction, so a revoked token or a service closed a moment ago
issues nothing here.

Anything else goes to Flask untouched, so every refusal and every rarer case keeps one implementation and the
kiosk's language: no or a bad token, a body that is not a plain take, a resident's session, an unknown or closed
service, an untrusted clock, a replayed or conflicting Idempotency-Key, a full day. Handing over is safe
because none of those wrote anything: a take that did not issue a new number changed nothing, and a failed
group commit job is rolled back (group_commit.py). A key sent before is not even looked up here: the ticket's
id is derived from the key, so the primary key refuses the new row, and Flask finds the ticket (issuing.take's
first_try).
"""
from __future__ import annotations

import io
import json
import logging

from ..db import database
from ..inputs import load_json
from ..queue import issuing
from ..security import token_digest
from . import bearer_token
from .tickets import new_ticket_answer, order_for, take, ticket_request

log = logging.getLogger(__name__)

PATH = "/api/v1/tickets"


class TicketRoute:
    """WSGI middleware in front of the Flask app (``app.wsgi_app = TicketRoute(app, app.wsgi_app)``)."""

    def __init__(self, app, wsgi_app, max_body: int):
        self.app = app
        self.wsgi_app = wsgi_app  # Flask's own handling: everything this route does not answer
        self.max_body = max_body
        # what app.json.dumps writes, with the encoder made once (json.dumps makes one a call when given options)
        provider = app.json
        self._encode = json.JSONEncoder(default=provider.default, ensure_ascii=provider.ensure_ascii,
                                        sort_keys=provider.sort_keys).encode

    def __call__(self, environ, start_response):
        if (environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "POST"
                or environ.get("HTTP_X_KIOSK_SESSION")):
            return self.wsgi_app(environ, start_response)
        body = self._body(environ)
        if body is None:
            return self.wsgi_app(environ, start_response)
        environ["wsgi.input"] = io.BytesIO(body)  # Flask reads it again if it answers
        # No app context, and the thread keeps its pooled connection for its next take (Flask's teardown hands it
        # back after any other request): pushing the one and checking the other out and back in cost 23 us a
        # ticket, a tenth of the request in-process. Nothing here needs the context: the take gets the app's
        # parts passed in; a refusal's words (gettext) would, and any exception goes to Flask, which has it.
        if database.is_closed():
            database.connect()
        answer = self._take(environ, body)
        if answer is None:
            return self.wsgi_app(environ, start_response)
        status, payload = answer
        data = (self._encode(payload) + "\n").encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    def _body(self, environ) -> bytes | None:
        """The request body when it has a length within the limit, else None (Flask says what is wrong)."""
        length = environ.get("CONTENT_LENGTH", "")
        if not length.isdigit() or not 0 < int(length) <= self.max_body:
            return None
        body = environ["wsgi.input"].read(int(length))
        return body if len(body) == int(length) else None

    def _take(self, environ, body: bytes) -> tuple[str, dict] | None:
        app = self.app
        with app.extensions["group_commit"].coming():
            try:
                token = bearer_token(environ.get("HTTP_AUTHORIZATION", ""))
                clock = app.extensions["clock"]
                # the kiosk's device from the per-process catalog (api.device_required reads the row; both
                # take only tokens of devices not revoked), and the services from the same view: the view this
                # process has, not read again (the take refuses it if the catalog moved since: Flask reloads it)
                zone, today, catalogs = clock.zone, clock.business_date(), app.extensions["queue_catalog"]
                digest = token_digest(token) if token else None
                catalog = catalogs.cached(zone, today)
                device_id = catalog.devices.get(digest) if catalog is not None else None
                if device_id is None:  # no view yet, or a token it does not know (a kiosk paired since?)
                    catalog = catalogs.current(zone, today)
                    device_id = catalog.devices.get(digest)
                data = load_json(body) if device_id is not None else None
                if not isinstance(data, dict):
                    return None
                service_code, priority = ticket_request(data)
                order = order_for(app, device_id=device_id, service_code=service_code, priority=priority,
                                  resident_id=None, key=environ.get("HTTP_IDEMPOTENCY_KEY"), catalog=catalog)
                outcome = take(app, order, first_try=True)  # a replayed key fails here and goes to Flask
            except Exception:  # noqa: BLE001 (nothing was written: Flask answers it, refusal or error alike)
                return None
        if outcome.kind != issuing.ISSUED:
            return None
        try:
            return "201 CREATED", new_ticket_answer(app, order, outcome)
        except Exception:  # noqa: BLE001 (the ticket is taken: a retry with its Idempotency-Key gets it back)
            log.exception("building the answer to ticket %s failed", outcome.ticket_id)
            return "500 INTERNAL SERVER ERROR", {"error": {"code": "internal_error",
                                                           "message": "Terjadi kesalahan di server. Coba lagi."}}
