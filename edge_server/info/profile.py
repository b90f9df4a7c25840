"""The village profile screen's data: the village head, officials with their positions, contact numbers."""
from __future__ import annotations

from ..models import Contact, Official

CONTACT_KINDS = ("phone", "whatsapp", "email", "web", "other")


def officials_json() -> list[dict]:
    return [{"id": o.id, "name": o.name, "position": o.position}
            for o in Official.select().order_by(Official.sort_order, Official.id)]


def contacts_json() -> list[dict]:
    return [{"id": c.id, "label": c.label, "value": c.value, "kind": c.kind}
            for c in Contact.select().order_by(Contact.sort_order, Contact.id)]


def next_sort_order(model) -> int:
    last = model.select(model.sort_order).order_by(model.sort_order.desc()).first()
    return (last.sort_order + 1) if last else 0
