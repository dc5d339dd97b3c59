"""Initiatives as IATI 2.03 activities, valid against the official schema and the rules
of the IATI Standard ruleset that apply to what the portal knows.

An initiative that cannot make a valid activity (no start, no recipient, no organisation
...) is never written half right: `activity_problems` names each field and why, the
single-activity view answers with that report, and the file of all activities leaves it
out and says so. Rule numbers below are those of the ruleset (rulesets/standard.json).

The reporting organisation is the portal's publisher, from the IATI_REPORTING_ORG_*
settings; without them there is no export (`IatiNotConfigured`) rather than an invented
identifier.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from lxml import etree

from programmes.models import Organisation
from projects.iati.codelists import codelist_errors, codes
from projects.iati.splits import even_percentages, yearly_budget_lines
from projects.models import Initiative

SCHEMA = Path(__file__).resolve().parent / "schema" / "iati-activities-schema.xsd"
VERSION = "2.03"
CURRENCY = "EUR"
# DAC 5-digit sector 15190: "Facilitation of orderly, safe, regular and responsible
# migration and mobility", the portal's whole subject.
SECTOR = "15190"
SECTOR_VOCABULARY = "1"  # OECD DAC CRS purpose codes, 5 digits
# "Global" is not a DAC region; IATI publishers use 998, "Developing countries, unspecified".
GLOBAL_REGION = "998"
REGION_VOCABULARY = "1"  # OECD DAC
# OrganisationRole codes.
FUNDING, ACCOUNTABLE, EXTENDING, IMPLEMENTING = "1", "2", "3", "4"
# OrganisationType: the Commission's DGs and EU bodies are reported as multilateral (40).
ORGANISATION_TYPES = {
    Organisation.Kind.DIRECTORATE_GENERAL: "40",
    Organisation.Kind.EU_BODY: "40",
}
# ActivityDateType and ActivityStatus codes.
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
PIPELINE, IMPLEMENTATION, FINALISATION = "1", "2", "3"
GENERAL, OBJECTIVES = "1", "2"  # DescriptionType
ORIGINAL, INDICATIVE = "1", "1"  # BudgetType, BudgetStatus
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


class IatiNotConfigured(Exception):
    """The reporting organisation's settings are missing or wrong; the message says which."""


class NothingToExport(Exception):
    """No initiative can make a valid activity (an IATI file holds at least one)."""

    def __init__(self, left_out: dict[str, list["Problem"]]):
        self.left_out = left_out
        super().__init__(report(left_out))


@dataclass(frozen=True)
class Problem:
    """Why an initiative cannot be exported validly: the field and the reason."""

    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


@dataclass(frozen=True)
class ReportingOrg:
    ref: str
    type: str
    name: str

    @classmethod
    def from_settings(cls) -> "ReportingOrg":
        """The publisher from IATI_REPORTING_ORG_REF, _TYPE and _NAME; IatiNotConfigured
        naming every setting missing or wrong."""
        ref = settings.IATI_REPORTING_ORG_REF.strip()
        org_type = settings.IATI_REPORTING_ORG_TYPE.strip()
        name = settings.IATI_REPORTING_ORG_NAME.strip()
        errors = [
            f"{setting} is not set ({meaning})."
            for setting, value, meaning in (
                ("IATI_REPORTING_ORG_REF", ref, "the publisher's IATI organisation identifier"),
                ("IATI_REPORTING_ORG_TYPE", org_type, "an OrganisationType code, e.g. 40"),
                ("IATI_REPORTING_ORG_NAME", name, "the publisher's name"),
            )
            if not value
        ]
        if ref and not re.fullmatch(r"[^\s/&|?]+", ref):
            errors.append("IATI_REPORTING_ORG_REF may not contain spaces or / & | ? (1.14.13).")
        if org_type and org_type not in codes("OrganisationType"):
            errors.append(f"IATI_REPORTING_ORG_TYPE {org_type!r} is not an OrganisationType code.")
        if errors:
            raise IatiNotConfigured(" ".join(errors))
        return cls(ref, org_type, name)


def initiatives_to_export():
    """Every initiative, with what an activity reads (a fixed number of queries)."""
    return Initiative.objects.select_related("implementer", "managing_dg").prefetch_related(
        "countries", "priorities"
    )


def activity_identifier(initiative: Initiative, org: ReportingOrg) -> str:
    """The reporting organisation's ref, a hyphen, the slug (rules 1.1.21 and 1.1.3)."""
    return f"{org.ref}-{initiative.slug}"


def activity_problems(initiative: Initiative) -> list[Problem]:
    """What keeps `initiative` from a valid activity; empty when it can be exported."""
    problems = []
    if not (initiative.summary.strip() or initiative.description.strip()):
        problems.append(Problem("summary", "An activity needs a description."))
    if initiative.managing_dg is None and initiative.implementer is None:
        problems.append(
            Problem(
                "implementer",
                "An activity needs a participating organisation: "
                "neither the implementer nor the managing DG is known.",
            )
        )
    if initiative.starts_on is None:
        problems.append(Problem("starts_on", "An activity needs a start date (rule 6.11.1)."))
    if not initiative.countries.all() and not initiative.is_global:
        problems.append(
            Problem("countries", "An activity needs a recipient country or region (rule 3.7.1).")
        )
    countries = sorted(country.code.code for country in initiative.countries.all())
    unknown = [code for code in countries if code not in codes("Country")]
    if unknown:
        problems.append(
            Problem("countries", f"Not in IATI's Country code list: {', '.join(unknown)}.")
        )
    if initiative.budget and initiative.ends_on is None:
        problems.append(
            Problem("ends_on", "A budget needs an end date to be split into yearly lines.")
        )
    return problems


def activity(initiative: Initiative, org: ReportingOrg, *, today: date) -> etree._Element:
    """The `<iati-activity>` of an initiative without problems (`activity_problems`)."""
    element = etree.Element(
        "iati-activity", {XML_LANG: "en", "default-currency": CURRENCY, "humanitarian": "0"}
    )
    _sub(element, "iati-identifier", text=activity_identifier(initiative, org))
    _narrated(element, "reporting-org", org.name, ref=org.ref, type=org.type)
    _narrated(element, "title", initiative.title)
    text = "\n\n".join(part for part in (initiative.summary, initiative.description) if part)
    _narrated(element, "description", text, type=GENERAL)
    priorities = "\n".join(priority.text for priority in initiative.priorities.all())
    if priorities:
        _narrated(element, "description", priorities, type=OBJECTIVES)
    for role, organisation in _participants(initiative):
        _narrated(
            element, "participating-org", organisation.name, **_org_attributes(organisation, role)
        )
    _sub(element, "activity-status", code=_status(initiative, today))
    for code, day in _dates(initiative, today):
        _sub(element, "activity-date", type=code, **{"iso-date": day.isoformat()})
    _recipients(element, initiative)
    _sub(element, "sector", vocabulary=SECTOR_VOCABULARY, code=SECTOR, percentage="100")
    if initiative.budget and initiative.starts_on and initiative.ends_on:
        _budgets(element, initiative)
    return element


def activities_document(
    initiatives: Iterable[Initiative], *, at: datetime | None = None
) -> tuple[bytes, dict[str, list[Problem]]]:
    """The `<iati-activities>` file of the initiatives that can be exported, and the
    problems of those left out, by slug. Raises IatiNotConfigured, NothingToExport, and
    AssertionError if the file would not validate (a bug, never sent)."""
    at = at or timezone.now()
    org = ReportingOrg.from_settings()
    today = timezone.localdate(at)
    root = etree.Element(
        "iati-activities",
        {"version": VERSION, "generated-datetime": at.replace(microsecond=0).isoformat()},
    )
    left_out = {}
    for initiative in initiatives:
        problems = activity_problems(initiative)
        if problems:
            left_out[initiative.slug] = problems
            root.append(etree.Comment(f" {report({initiative.slug: problems})} "))
        else:
            root.append(activity(initiative, org, today=today))
    if not len(root.findall("iati-activity")):
        raise NothingToExport(left_out)
    errors = schema_errors(root) + codelist_errors(root)
    assert not errors, f"The IATI file does not validate: {errors}"
    document = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return document, left_out


def report(left_out: dict[str, list[Problem]]) -> str:
    """What was left out and why, one line per problem."""
    return "\n".join(
        f"Left out {slug}: {problem}" for slug, problems in left_out.items() for problem in problems
    )


def schema_errors(root: etree._Element) -> list[str]:
    """What the official IATI 2.03 schema finds wrong with `root` (lxml); empty if valid."""
    validator = _schema()
    if validator.validate(root):
        return []
    return [f"line {error.line}: {error.message}" for error in validator.error_log]


@cache
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def _participants(initiative: Initiative) -> list[tuple[str, Organisation]]:
    """The managing DG funds, answers for and extends the EU money; the implementer
    implements. Either may be unknown (not both: `activity_problems`)."""
    dg, implementer = initiative.managing_dg, initiative.implementer
    roles = [(FUNDING, dg), (ACCOUNTABLE, dg), (EXTENDING, dg)] if dg else []
    return roles + ([(IMPLEMENTING, implementer)] if implementer else [])


def _org_attributes(organisation: Organisation, role: str) -> dict:
    attributes = {"role": role}
    if organisation.kind in ORGANISATION_TYPES:
        attributes["type"] = ORGANISATION_TYPES[organisation.kind]
    return attributes


def _status(initiative: Initiative, today: date) -> str:
    if initiative.starts_on > today:
        return PIPELINE
    if initiative.ends_on is not None and initiative.ends_on < today:
        return FINALISATION
    return IMPLEMENTATION


def _dates(initiative: Initiative, today: date) -> list[tuple[str, date]]:
    """Planned dates always; actual ones only once they have passed (rules 11.1.4, 11.1.5)."""
    start, end = initiative.starts_on, initiative.ends_on
    dates = [(PLANNED_START, start)]
    if start <= today:
        dates.append((ACTUAL_START, start))
    if end is not None:
        dates.append((PLANNED_END, end))
        if end < today:
            dates.append((ACTUAL_END, end))
    return dates


def _recipients(element: etree._Element, initiative: Initiative) -> None:
    """Every country and, for a global initiative, region 998, in shares summing to 100
    (rule 2.3.1): the portal records no split, so the shares are even."""
    countries = sorted(country.code.code for country in initiative.countries.all())
    shares = even_percentages(len(countries) + initiative.is_global)
    for code, share in zip(countries, shares, strict=False):
        _sub(element, "recipient-country", code=code, percentage=str(share))
    if initiative.is_global:
        region = _sub(
            element,
            "recipient-region",
            code=GLOBAL_REGION,
            vocabulary=REGION_VOCABULARY,
            percentage=str(shares[-1]),
        )
        _sub(region, "narrative", text="Global")


def _budgets(element: etree._Element, initiative: Initiative) -> None:
    """Yearly indicative lines of at most twelve months (rule 7.6.1) summing to the budget."""
    for line in yearly_budget_lines(initiative.starts_on, initiative.ends_on, initiative.budget):
        budget = _sub(element, "budget", type=ORIGINAL, status=INDICATIVE)
        _sub(budget, "period-start", **{"iso-date": line.starts_on.isoformat()})
        _sub(budget, "period-end", **{"iso-date": line.ends_on.isoformat()})
        _sub(budget, "value", text=str(line.amount), **{"value-date": line.starts_on.isoformat()})


def _narrated(parent: etree._Element, tag: str, text: str, **attributes) -> etree._Element:
    element = _sub(parent, tag, **attributes)
    _sub(element, "narrative", text=text)
    return element


def _sub(parent: etree._Element, tag: str, *, text: str | None = None, **attributes):
    element = etree.SubElement(parent, tag, attributes)
    element.text = text
    return element
