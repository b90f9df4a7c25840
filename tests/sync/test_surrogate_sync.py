"""An event that carries a lone surrogate (valid JSON, no valid text) must not stall the edge's outbox: the hub
stores it with U+FFFD and acknowledges it, so the worker moves on instead of resending that batch for ever."""
from __future__ import annotations

import json

from edge_server.models import OutboxEvent
from edge_server.sync import store
from tests.sync.conftest import CODE


def test_a_lone_surrogate_in_the_outbox_is_acknowledged(edge, district, worker):
    from edge_server.db import write_transaction
    from edge_server.sync.outbox import record_event

    clock = edge.extensions["clock"]
    with edge.app_context(), write_transaction():
        record_event("letter.requested", clock.business_date(), {"letter_type": "sk\ud800", "field\udfff": "x"},
                     clock.utcnow())
        record_event("ticket.issued", clock.business_date(), {"service": "A"}, clock.utcnow())
    total = OutboxEvent.select().count()
    result = worker.cycle()
    assert result.ok and result.sent == total
    assert store.pending_count() == 0
    with district.app_context():
        from district.models import Event

        stored = json.loads(Event.get((Event.village == CODE) & (Event.type == "letter.requested")).data)
        assert stored == {"letter_type": "sk\ufffd", "field\ufffd": "x"}
