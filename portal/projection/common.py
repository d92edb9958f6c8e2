"""What every projected clinical row shares: person, unit (whose parent is the provider), source, sensitivity."""

from __future__ import annotations

import html
import re
from datetime import datetime
from typing import Any

from portal.ingestion import fhir
from portal.ingestion.fhir import CONFIDENTIALITY_SYSTEM, SENSITIVITY_SYSTEM, get
from portal.ingestion.validation import EFFECTIVE_STEPS
from portal.projection.context import Meta, Projection

_TAGS = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"[ \t]+")


def provenance(p: Projection, resource: dict[str, Any], meta: Meta, person: Any, unit: Any) -> dict[str, Any]:
    """Person, unit, source, keys and sensitivity; resolves the person first (it may wait)."""
    person_id = p.person_for(person, meta.source)
    return {
        "person_id": person_id,
        "unit_id": p.unit_for(unit, meta) if unit is not None else None,
        "source_system": meta.source[:100],
        "source_key": meta.key,
        "public_id": p.public_id(meta.key),
    }


def sensitivity(resource: dict[str, Any]) -> dict[str, Any]:
    security = [c for c in fhir.as_list(get(resource, "meta", "security")) if isinstance(c, dict)]
    return {
        "sealed": any(c.get("system") == SENSITIVITY_SYSTEM and c.get("code") == "sealed" for c in security),
        "proxy_hidden": any(
            c.get("system") == SENSITIVITY_SYSTEM and c.get("code") == "proxy-hidden" for c in security
        ),
        "security_labels": sorted({
            str(c["code"]) for c in security
            if c.get("system") in (SENSITIVITY_SYSTEM, CONFIDENTIALITY_SYSTEM) and c.get("code")
        }),
    }


def effective(resource: dict[str, Any], meta: Meta) -> datetime:
    for steps in EFFECTIVE_STEPS.get(resource["resourceType"], ()):
        value = get(resource, *steps)
        if value is not None:
            return fhir.parse_datetime(value)
    return fallback_time(meta)


def when(value: Any, default: datetime) -> datetime:
    return fhir.parse_datetime(value) if value is not None else default


def fallback_time(meta: Meta) -> datetime:
    return meta.last_updated or meta.received_at


def code_of(concept: Any) -> dict[str, Any]:
    first = next((c for c in fhir.codings(concept) if c.get("code")), None)
    return {
        "code_system": str(first.get("system"))[:200] if first and first.get("system") else None,
        "code": str(first["code"])[:100] if first else None,
    }


def text(value: Any, limit: int | None = None) -> str | None:
    if value is None or value == "":
        return None
    return str(value)[:limit] if limit else str(value)


def display(reference: Any) -> str | None:
    return text(get(reference, "display"), 200)


def strip_tags(div: Any) -> str:
    if not isinstance(div, str):
        return ""
    plain = html.unescape(_TAGS.sub(" ", div.replace("<br/>", "\n").replace("</p>", "\n")))
    lines = (_SPACE.sub(" ", line).strip() for line in plain.splitlines())
    return "\n".join(line for line in lines if line)
