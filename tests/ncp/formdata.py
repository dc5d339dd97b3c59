"""POST data of the NCP area's forms, as a browser sends them (datetime-local values are
Brussels wall time)."""

from django.utils import timezone

from calls.models import Call
from foundation.brussels import BRUSSELS

NEW_IDENTIFIER = "TESTF-2025-AG-NEW-01"


def local(moment) -> str:
    """A moment as a datetime-local input gives it."""
    return timezone.localtime(moment, BRUSSELS).strftime("%Y-%m-%dT%H:%M")


def deadlines_data(rows: list[dict], *, initial: int = 0) -> dict:
    data = {
        "deadlines-TOTAL_FORMS": str(len(rows)),
        "deadlines-INITIAL_FORMS": str(initial),
        "deadlines-MIN_NUM_FORMS": "1",
        "deadlines-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name in ("id", "due_at", "label"):
            data[f"deadlines-{index}-{name}"] = row.get(name, "")
        if row.get("DELETE"):
            data[f"deadlines-{index}-DELETE"] = "on"
    return data


def documents_data(rows: list[dict]) -> dict:
    """The documents formset as a browser sends it (rows of title, url, kind, language)."""
    data = {"documents-TOTAL_FORMS": str(len(rows)), "documents-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        for name in ("title", "url", "kind", "language"):
            data[f"documents-{index}-{name}"] = row.get(name, "")
    return data


# The empty document row of the form, as sent when left blank.
BLANK_DOCUMENT = {"kind": "call-text", "language": "en"}


def new_call_data(programme, *, publication: str = "draft", publish_at: str = "", **fields):
    """A valid new call of `programme`, opening 1 April 2025, closing 30 September 2025."""
    deadlines = fields.pop("deadlines", [{"due_at": "2025-09-30T17:00", "label": ""}, {}])
    data = {
        "programme": str(programme.pk),
        "identifier": NEW_IDENTIFIER,
        "parent_identifier": "",
        "code": "777001",
        "title": "A new call",
        "summary": "",
        "description": "",
        "objectives": "First objective\nSecond objective",
        "type_of_action": "",
        "budget": "",
        "opens_at": "2025-04-01T00:00",
        "publication-publication": publication,
        "publication-publish_at": publish_at,
        **documents_data([BLANK_DOCUMENT]),
    }
    data.update(fields)
    data.update(deadlines_data(deadlines))
    return data


def edit_call_data(call: Call, *, version: int | None = None, **fields) -> dict:
    """The edit form of `call` as its editor got it, with `fields` changed."""
    rows = [
        {"id": str(d.pk), "due_at": local(d.due_at), "label": d.label} for d in call.deadlines.all()
    ]
    deadlines = fields.pop("deadlines", rows + [{}])
    data = {
        "version": str(call.version if version is None else version),
        "programme": str(call.programme_id),
        "identifier": call.identifier,
        "parent_identifier": call.parent_identifier,
        "code": "" if call.code is None else str(call.code),
        "title": call.title,
        "summary": call.summary,
        "description": call.description,
        "objectives": "\n".join(o.text for o in call.objectives.all()),
        "type_of_action": call.type_of_action,
        "budget": "" if call.budget is None else str(call.budget),
        "opens_at": local(call.opens_at),
        **documents_data(
            [
                {"title": d.title, "url": d.url, "kind": d.kind, "language": d.language}
                for d in call.documents.all()
            ]
            + [BLANK_DOCUMENT]
        ),
        "official_url": call.official_url,
        "apply_url": call.apply_url,
        "national_note": call.national_note,
        "contact_points": [str(pk) for pk in call.contact_points.values_list("pk", flat=True)],
    }
    data.update(fields)
    data.update(deadlines_data(deadlines, initial=len(rows)))
    return data


def contact_point_data(contact_point, persons: list[dict], **fields) -> dict:
    existing = contact_point.persons.count()
    data = {
        "name": contact_point.name,
        "phone": contact_point.phone,
        "phone_note": contact_point.phone_note,
        "email": contact_point.email,
        "website": contact_point.website,
        "persons-TOTAL_FORMS": str(len(persons)),
        "persons-INITIAL_FORMS": str(existing),
        "persons-MIN_NUM_FORMS": "0",
        "persons-MAX_NUM_FORMS": "1000",
    }
    data.update(fields)
    for index, person in enumerate(persons):
        for name in ("id", "name", "job_title", "phone", "email"):
            data[f"persons-{index}-{name}"] = person.get(name, "")
        if person.get("DELETE"):
            data[f"persons-{index}-DELETE"] = "on"
    return data
