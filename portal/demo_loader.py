"""Load the demo data (portal/demo/*.yaml) into the database.

Every record is matched on its natural key (a slug, a code, an identifier) and
only written when something differs, so loading twice changes nothing, not even
`updated_at`. Each row passes `full_clean()` first: a mistake in a data file
stops the whole load with a message naming the record, and the transaction in
`load_demo()` leaves the database as it was.
"""

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from calls import services
from calls.models import Call, Deadline
from foundation.brussels import deadline_on, opening_on
from programmes.models import (
    ContactPerson,
    ContactPoint,
    Fund,
    FundableAction,
    Organisation,
    ParticipantType,
    Programme,
    SpecificObjective,
    Theme,
)
from programmes.phones import phone_e164
from projects.models import (
    Country,
    Initiative,
    InitiativePriority,
    NewsItem,
    PartnerAction,
    Region,
    SupportFigure,
)

DEMO_DIR = Path(__file__).resolve().parent / "demo"


class DemoDataError(Exception):
    """A record in the demo data cannot be loaded; the message names it."""


def load_demo(directory: Path = DEMO_DIR) -> dict[str, int]:
    """Load every demo file, atomically. Returns the number of rows per model."""
    data = {name: _read(directory / f"{name}.yaml") for name, _ in _STEPS}
    with transaction.atomic():
        for name, loader in _STEPS:
            loader(data[name])
    return {model._meta.verbose_name_plural: model.objects.count() for model in _COUNTED}


def _read(path: Path):
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise DemoDataError(f"{path.name}: {error}") from error


def _upsert(model: type[models.Model], lookup: dict, values: dict) -> models.Model:
    """Create or update one row, saving only when a value differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is not None and all(getattr(obj, k) == v for k, v in values.items()):
        return obj
    obj = obj or model(**lookup)
    for field, value in values.items():
        setattr(obj, field, value)
    try:
        obj.full_clean()
    except ValidationError as error:
        raise DemoDataError(f"{model.__name__} {lookup}: {error}") from error
    obj.save()
    return obj


def _set_items(model, parent_field: str, parent, texts: Iterable[str]) -> None:
    """Make a parent's ordered list (objectives, actions ...) exactly `texts`."""
    texts = list(texts)
    model.objects.filter(**{parent_field: parent}, position__gte=len(texts)).delete()
    for position, text in enumerate(texts):
        _upsert(model, {parent_field: parent, "position": position}, {"text": text})


def _by_name(model, names: Iterable[str]) -> list:
    return [_upsert(model, {"slug": slugify(name)}, {"name": name}) for name in names]


def _countries(codes: Iterable[str]) -> list[Country]:
    return [Country.objects.get_or_create(code=code)[0] for code in codes]


def _get(model, **lookup):
    try:
        return model.objects.get(**lookup)
    except model.DoesNotExist as error:
        raise DemoDataError(f"{model.__name__} {lookup} is referred to but not defined") from error


def _amount(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _moment(value, on_date) -> datetime:
    """A full moment as given, or a bare date read with the portal's rule (`on_date`)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise DemoDataError(f"{value} has no time zone offset")
        return value
    if isinstance(value, date):
        return on_date(value)
    raise DemoDataError(f"{value!r} is neither a date nor a moment")


def _load_organisations(records: list[dict]) -> None:
    for r in records:
        _upsert(
            Organisation,
            {"acronym": r["acronym"]},
            {"name": r["name"], "kind": r["kind"], "description": r.get("description", "")},
        )


def _load_funds(data: dict) -> None:
    for r in data["funds"]:
        values = {
            "name": r["name"],
            "call_prefix": r.get("call_prefix", ""),
            "description": r.get("description", ""),
            "managing_dg": _get(Organisation, acronym=r["managing_dg"]),
        }
        _upsert(Fund, {"code": r["code"]}, values)


def _load_contact_points(records: list[dict]) -> None:
    for r in records:
        organisation = r.get("organisation")
        values = {
            "level": r["level"],
            "name": r["name"],
            "country": r.get("country", ""),
            "organisation": _get(Organisation, acronym=organisation) if organisation else None,
            "phone": _phone(r.get("phone", ""), r.get("country", "")),
            "phone_note": r.get("phone_note", ""),
            "email": r.get("email", ""),
        }
        point = _upsert(ContactPoint, {"slug": r["slug"]}, values)
        _countries([values["country"]] if values["country"] else [])
        persons = r.get("persons", [])
        ContactPerson.objects.filter(contact_point=point, position__gte=len(persons)).delete()
        for position, p in enumerate(persons):
            person = {k: p.get(k, "") for k in ("name", "job_title", "email")}
            person["phone"] = _phone(p.get("phone", ""), values["country"])
            _upsert(ContactPerson, {"contact_point": point, "position": position}, person)


def _phone(text: str, country: str) -> str:
    """A number as the source wrote it ("22 409904") as it is stored (E.164): compared
    with the stored one, a second load changes nothing."""
    try:
        return phone_e164(text, country)
    except ValidationError as error:
        raise DemoDataError(f"telephone {text!r}: {error.messages[0]}") from error


def _load_programmes(data: dict) -> None:
    for r in data["programmes"]:
        values = {
            "fund": _get(Fund, code=r["fund"]),
            "title": r["title"],
            "period_start": r.get("period_start"),
            "period_end": r.get("period_end"),
            "budget": _amount(r.get("budget")),
            "summary": r.get("summary", ""),
            "description": r.get("description", ""),
        }
        programme = _upsert(Programme, {"slug": r["slug"]}, values)
        programme.themes.set(_by_name(Theme, r.get("themes", [])))
        programme.eligible_participants.set(
            _by_name(ParticipantType, r.get("eligible_participants", []))
        )
        points = [_get(ContactPoint, slug=s) for s in r.get("contact_points", [])]
        programme.contact_points.set(points)
        _set_items(SpecificObjective, "programme", programme, r.get("objectives", []))
        _set_items(FundableAction, "programme", programme, r.get("actions", []))


def _load_calls(records: list[dict]) -> None:
    """Create or update each call through calls/services.py, as every door does: a call
    that differs from its record is changed once (its version counted, the change in its
    history); one that does not is left alone."""
    for r in records:
        values = {
            "code": r["code"],
            "parent_identifier": r.get("parent_identifier", ""),
            "title": r["title"],
            "summary": r.get("summary", ""),
            "description": r.get("description", ""),
            "programme": _get(Programme, slug=r["programme"]),
            "type_of_action": r.get("type_of_action", ""),
            "budget": _amount(r.get("budget")),
            "opens_at": _moment(r["opens_on"], opening_on),
        }
        due = [_moment(d, deadline_on) for d in r["deadlines"]]
        themes = _by_name(Theme, r.get("themes", []))
        try:
            _write_call(
                r["identifier"], values, due, r.get("objectives", []), themes, _publication(r)
            )
        except ValidationError as error:
            raise DemoDataError(f"Call {r['identifier']}: {error}") from error


def _write_call(
    identifier: str, values: dict, due: list, objectives: list, themes: list, published_at
) -> None:
    call = Call.objects.filter(identifier=identifier).first()
    if call is None:
        deadlines = [services.DeadlineInput(due_at=due_at) for due_at in due]
        services.call_create(
            user=None,
            fields={"identifier": identifier, **values},
            deadlines=deadlines,
            objectives=objectives,
            published_at=published_at,
            recorded=True,
            eligibility={"themes": themes},
        )
        return
    kept = {deadline.due_at: deadline.pk for deadline in call.deadlines.all()}
    current = list(call.objectives.values_list("text", flat=True))
    if (
        any(getattr(call, k) != v for k, v in values.items())
        or set(kept) != set(due)
        or (current != [text.strip() for text in objectives if text.strip()])
        or set(call.themes.all()) != set(themes)
    ):
        deadlines = [services.DeadlineInput(due_at=d, pk=kept.get(d)) for d in due]
        call = services.call_update(
            call=call,
            user=None,
            expected_version=call.version,
            fields=values,
            deadlines=deadlines,
            objectives=objectives,
            eligibility={"themes": themes},
        )
    if call.published_at != published_at:
        services.call_publish(call=call, user=None, at=published_at, recorded=True)


def _publication(record: dict) -> datetime:
    """When a call became public. The sources give no such date, so unless the record
    says, a demo call is public from the start of its programme's period."""
    if "published_on" in record:
        return _moment(record["published_on"], opening_on)
    programme = _get(Programme, slug=record["programme"])
    if programme.period_start:
        return opening_on(date(programme.period_start, 1, 1))
    return _moment(record["opens_on"], opening_on)


def _load_places(data: dict) -> None:
    for r in data["regions"]:
        values = {"name": r["name"], "position": r["position"], "description": r["description"]}
        region = _upsert(Region, {"slug": r["slug"]}, values)
        for country in _countries(r["countries"]):
            _upsert(Country, {"pk": country.pk}, {"region": region})
    for r in data["countries"]:
        country = _countries([r["code"]])[0]
        _upsert(Country, {"pk": country.pk}, {"description": r["description"]})


def _load_initiatives(records: list[dict]) -> None:
    for r in records:
        implementer, dg = r.get("implementer"), r.get("managing_dg")
        values = {
            "title": r["title"],
            "acronym": r.get("acronym", ""),
            "implementer": _get(Organisation, acronym=implementer) if implementer else None,
            "managing_dg": _get(Organisation, acronym=dg) if dg else None,
            "summary": r.get("summary", ""),
            "description": r.get("description", ""),
            "is_global": r.get("is_global", False),
            "starts_on": r.get("starts_on"),
            "ends_on": r.get("ends_on"),
            "budget": _amount(r.get("budget")),
        }
        initiative = _upsert(Initiative, {"slug": r["slug"]}, values)
        initiative.themes.set(_by_name(Theme, r.get("themes", [])))
        initiative.countries.set(_countries(r.get("countries", [])))
        initiative.funding_sources.set([_get(Fund, code=c) for c in r.get("funding_sources", [])])
        _set_items(InitiativePriority, "initiative", initiative, r.get("priorities", []))
        _set_items(PartnerAction, "initiative", initiative, r.get("partner_actions", []))


def _load_support_figures(data: dict) -> None:
    for position, r in enumerate(data["support_figures"]):
        region, initiative, instrument = r.get("region"), r.get("initiative"), r.get("instrument")
        values = {
            "position": position,
            "region": _get(Region, slug=region) if region else None,
            "initiative": _get(Initiative, slug=initiative) if initiative else None,
            "instrument": _get(Fund, code=instrument) if instrument else None,
            "qualifier": r.get("qualifier", ""),
            "amount": _amount(r["amount"]),
            "period": str(r.get("period", "")),
            "description": r["description"],
        }
        figure = _upsert(SupportFigure, {"slug": r["slug"]}, values)
        figure.countries.set(_countries(r.get("countries", [])))


def _load_news(records: list[dict]) -> None:
    for r in records:
        initiative = r.get("initiative")
        values = {
            "title": r["title"],
            "published_on": r.get("published_on"),
            "is_featured": r.get("is_featured", False),
            "body": r["body"],
            "initiative": _get(Initiative, slug=initiative) if initiative else None,
        }
        item = _upsert(NewsItem, {"slug": r["slug"]}, values)
        item.countries.set(_countries(r.get("countries", [])))


# (file, loader) in order: each step may refer to what the steps before it define.
_STEPS = [
    ("organisations", _load_organisations),
    ("funds", _load_funds),
    ("contact_points", _load_contact_points),
    ("funds", _load_programmes),
    ("calls", _load_calls),
    ("places", _load_places),
    ("initiatives", _load_initiatives),
    ("places", _load_support_figures),
    ("news", _load_news),
]

_COUNTED = [
    Organisation,
    Fund,
    Programme,
    ContactPoint,
    ContactPerson,
    Call,
    Deadline,
    Region,
    Country,
    Initiative,
    SupportFigure,
    NewsItem,
]
