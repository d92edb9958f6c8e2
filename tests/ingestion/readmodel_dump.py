"""The whole read model as comparable data: surrogate ids replaced by natural keys, rows sorted."""

from __future__ import annotations

import json

from sqlalchemy import select, text

from portal import db
from portal.readmodel.models import READ_MODEL_TABLES, CarePlan, Organisation, Person

SKIP = {"id", "person_id", "proxy_id", "subject_id", "unit_id", "parent_id", "care_plan_id",
        "responsible_id", "blocked_person_id"}


def dump_read_model() -> dict[str, list]:
    """Every read table, with surrogate ids replaced by natural keys, sorted."""
    session = db.session()
    session.expire_all()
    persons = dict(session.execute(select(Person.id, Person.personnummer)).all())
    orgs = dict(session.execute(select(Organisation.id, Organisation.hsa_id)).all())
    plans = dict(session.execute(select(CarePlan.id, CarePlan.source_key)).all())
    dump = {}
    for name in READ_MODEL_TABLES:
        rows = [dict(r) for r in session.execute(text(f"SELECT * FROM {name}")).mappings()]  # noqa: S608
        for row in rows:
            for column in list(row):
                if column in SKIP:
                    value = row.pop(column)
                    if column == "care_plan_id":
                        row[column] = plans.get(value)
                    elif column.endswith("_id"):
                        row[column] = persons.get(value) if "person" in column or column in (
                            "proxy_id", "subject_id") else orgs.get(value)
        dump[name] = sorted(json.dumps(row, sort_keys=True, default=str) for row in rows)
    session.commit()
    return dump
