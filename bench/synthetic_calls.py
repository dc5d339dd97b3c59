"""What a synthetic call looks like: its dates for a status, its text, its money, and its
rows as COPY text (bench/catalogue.py puts them in a database; the README's "Performance"
section gives the distribution)."""

import io
import json
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")
FIRST_YEAR = 2007

# The live set, the same at every size.
LIVE = {"open": 700, "forthcoming": 350, "scheduled": 120, "draft": 250, "cancelled": 15}
CANCELLED_SHARE = 0.015  # of the archive
TOPIC_SHARE = 0.6  # of calls, topics of a parent call
DEADLINE_MODELS = [("single-stage", 0.75), ("two-stage", 0.12), ("multiple cut-off", 0.13)]

# Funds: the demo's five plus three, each with programmes for three periods (the demo's
# own programme is the 2021-2027 one), weighted by how many calls they publish.
FUNDS = [
    # code, name (for funds the demo lacks), identifier prefix, weight
    ("AMIF", "", "AMIF", 0.25),
    ("ISF-Police", "", "ISFP", 0.12),
    ("ISF-Borders", "", "BMVI", 0.10),
    ("NDICI-Global Europe", "", "NDICI", 0.13),
    ("IPA III", "", "IPA", 0.07),
    ("ESF+", "European Social Fund Plus", "ESF", 0.15),
    ("CERV", "Citizens, Equality, Rights and Values programme", "CERV", 0.10),
    ("HORIZON", "Horizon Europe", "HORIZON", 0.08),
]
PERIODS = [(2007, 2013), (2014, 2020), (2021, 2027)]
DEMO_PROGRAMMES = {
    "AMIF": "amif-2021-2027",
    "ISF-Police": "isf-police",
    "ISF-Borders": "isf-borders",
    "NDICI-Global Europe": "ndici-global-europe",
    "IPA III": "ipa-iii",
}
_COUNTRY_CODES = (
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK "
    "AL BA ME MK RS TR UA MD GE MA TN EG JO LB"
)
COUNTRIES = _COUNTRY_CODES.split()

# A call's text: common words and a long tail of pseudo-words drawn with Zipf weights, and
# the words of the call's subject (three words of the domain, themselves Zipf-weighted:
# "migration" is a frequent subject, "coastguard" a rare one) in every other sentence,
# plus now and then any word of the domain. So a word of the domain is in 2% to 20% of
# the calls, and a search for two or three of them matches a few in a thousand.
_DOMAIN_TEXT = (
    "migration integration protection asylum return children trafficking border security "
    "reception labour market education language housing health inclusion community "
    "employment skills training research innovation partnership governance dialogue "
    "awareness smuggling readmission resettlement diaspora sponsorship guardianship "
    "mobility pathways unaccompanied minors women gender violence exploitation networks "
    "exchange practices stakeholders regional urban rural municipalities civil society "
    "organisations volunteers mentoring schools teachers social services mental "
    "psychosocial legal assistance information campaigns data monitoring evaluation "
    "digital tools platforms police judicial terrorism radicalisation cybercrime "
    "prevention visa schengen surveillance equipment coastguard maritime solidarity "
    "relocation humanitarian admission vulnerable persons families reunification "
    "citizenship participation democracy rights equality discrimination racism roma "
    "disability youth elderly workers entrepreneurship recognition qualifications "
    "apprenticeships cooperation capacity nationals authorities"
)
TOPIC_WORDS = _DOMAIN_TEXT.split()
TOPIC_WEIGHTS = [1 / (rank + 5) for rank in range(len(TOPIC_WORDS))]
_COMMON = ["the", "of", "and", "to", "in", "for", "a", "on", "with", "by", "support"]
_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "do", "fi", "gu"]
BACKGROUND = _COMMON + [a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in _SYLLABLES]
_WEIGHTS = [1 / (rank + 8) for rank in range(len(BACKGROUND))]
CUMULATIVE = [sum(_WEIGHTS[: i + 1]) for i in range(len(_WEIGHTS))]
ACTIONS = [
    "Support to",
    "Transnational actions on",
    "Capacity building for",
    "Pilot projects on",
    "Networks for",
    "Innovative approaches to",
    "Operating grants for",
    "Research on",
]

# --- The calls ---------------------------------------------------------------------


@dataclass
class Group:
    """A parent call and its topics, or one call on its own: they share the dates."""

    status: str
    programme: tuple  # (id, prefix, period start, period end)
    opens_at: datetime
    dues: list[datetime]
    labels: list[str]
    model: str
    published_at: datetime | None
    cancelled_at: datetime | None = None
    topics: int = 1
    parent: str = ""
    calls: list = field(default_factory=list)


def _day(moment: datetime, hour: int) -> datetime:
    """`moment`'s day at `hour`:00 Brussels: calls open at midnight, close at 17:00."""
    day = moment.astimezone(BRUSSELS).date()
    return datetime(day.year, day.month, day.day, hour, tzinfo=BRUSSELS)


def _schedule(rng: random.Random, opens_at: datetime) -> tuple[str, list, list]:
    model = rng.choices([m for m, _ in DEADLINE_MODELS], [w for _, w in DEADLINE_MODELS])[0]
    first = _day(opens_at + timedelta(days=rng.randint(30, 150)), 17)
    if model == "two-stage":
        second = _day(first + timedelta(days=rng.randint(60, 150)), 17)
        return model, [first, second], ["First stage", "Second stage"]
    if model == "multiple cut-off":
        dues = [first]
        for _ in range(rng.randint(2, 5)):
            dues.append(_day(dues[-1] + timedelta(days=rng.randint(45, 120)), 17))
        return model, dues, [f"Cut-off {n}" for n in range(1, len(dues) + 1)]
    return model, [first], [""]


def _shifted(opens_at, dues, delta):
    return _day(opens_at + delta, 0), [_day(due + delta, 17) for due in dues]


def _group(rng: random.Random, status: str, now: datetime, programmes: dict) -> Group:
    """One group of calls with `status`, its dates drawn for that status at `now`."""
    if status in ("closed", "cancelled-archive"):
        start = datetime(FIRST_YEAR, 1, 15, tzinfo=UTC)
        opens_at = start + (now - timedelta(days=60) - start) * rng.random()
    elif status in ("open", "cancelled"):
        opens_at = now - timedelta(days=rng.uniform(1, 120))
    elif status == "forthcoming":
        opens_at = now + timedelta(days=rng.uniform(2, 180))
    elif status == "scheduled":
        opens_at = now + timedelta(days=rng.uniform(30, 120))
    else:  # draft
        opens_at = now + timedelta(days=rng.uniform(10, 250))
    opens_at = _day(opens_at, 0)
    model, dues, labels = _schedule(rng, opens_at)
    if status in ("closed", "cancelled-archive") and dues[-1] >= now - timedelta(days=1):
        opens_at, dues = _shifted(opens_at, dues, now - dues[-1] - timedelta(rng.uniform(2, 90)))
    if status in ("open", "cancelled") and dues[-1] <= now + timedelta(days=1):
        opens_at_kept = opens_at
        _, dues = _shifted(opens_at, dues, now - dues[-1] + timedelta(rng.uniform(2, 120)))
        opens_at = opens_at_kept
    published_at = {
        "scheduled": now + timedelta(days=rng.uniform(1, 25)),
        "draft": None,
        "forthcoming": now - timedelta(days=rng.uniform(1, 60)),
    }.get(status, opens_at - timedelta(days=rng.uniform(7, 60)))
    year = opens_at.astimezone(BRUSSELS).year
    programme = rng.choice(programmes[min(max(year, FIRST_YEAR), 2027)])
    group = Group(status, programme, opens_at, dues, labels, model, published_at)
    if status in ("cancelled-archive", "cancelled"):
        end = min(dues[-1], now)
        group.cancelled_at = published_at + (end - published_at) * rng.uniform(0.1, 0.9)
    if rng.random() < TOPIC_SHARE:
        group.topics = rng.randint(2, 8)
    return group


def plan(total: int, rng: random.Random, now: datetime, programmes: dict) -> list[Group]:
    """Groups of calls adding up to `total`: the live set, then the archive."""
    counts = dict(LIVE)
    archive = total - sum(counts.values())
    counts["cancelled-archive"] = round(archive * CANCELLED_SHARE)
    counts["closed"] = archive - counts["cancelled-archive"]
    groups = []
    for status, count in counts.items():
        made = 0
        while made < count:
            group = _group(rng, status, now, programmes)
            group.topics = min(group.topics, count - made)
            made += group.topics
            groups.append(group)
    rng.shuffle(groups)
    return groups


def _words(rng: random.Random, count: int) -> list[str]:
    return rng.choices(BACKGROUND, cum_weights=CUMULATIVE, k=count)


def _sentence(rng: random.Random, low: int, high: int, subject: list[str]) -> str:
    words = _words(rng, rng.randint(low, high))
    draw = rng.random()
    if draw < 0.5:
        words[rng.randrange(1, len(words))] = rng.choice(subject)
    elif draw < 0.6:
        words[rng.randrange(1, len(words))] = rng.choice(TOPIC_WORDS)
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _paragraph(rng: random.Random, subject: list[str]) -> str:
    return " ".join(_sentence(rng, 10, 28, subject) for _ in range(rng.randint(3, 6)))


def _title(rng: random.Random, subject: list[str]) -> str:
    return f"{rng.choice(ACTIONS)} {' and '.join(subject)} in {' '.join(_words(rng, 2))}"


def _budget(rng: random.Random, year: int) -> dict:
    """The money columns of a call: most have a budget, some per year and contributions."""
    if rng.random() < 0.1:
        return {"budget": None, "by_year": {}, "grants": None, "min": None, "max": None}
    budget = rng.randint(5, 200) * 100_000
    by_year = {}
    if rng.random() < 0.3:
        first = budget // 2
        by_year = {str(year): f"{first}.00", str(year + 1): f"{budget - first}.00"}
    grants = rng.randint(1, 20) if rng.random() < 0.6 else None
    low = high = None
    if grants and rng.random() < 0.6:
        high = max(budget // grants, 100_000)
        low = high // 4
    return {"budget": budget, "by_year": by_year, "grants": grants, "min": low, "max": high}


@dataclass
class Ids:
    """The next id of each table and the next code and identifier number."""

    call: int
    deadline: int
    objective: int
    theme: int
    participant: int
    parent: int
    serial: int = 1


def calls_of(group: Group, rng: random.Random, ids: Ids, reference: dict) -> None:
    """Fill `group.calls` with one row (a dict) per call of the group."""
    programme_id, prefix, _, _ = group.programme
    year = group.opens_at.astimezone(BRUSSELS).year
    action = "OG" if rng.random() < 0.15 else "AG"
    base = f"{prefix}-{year}-{action}-{ids.serial:06d}"
    ids.serial += 1
    group.parent = base if group.topics > 1 else ""
    subject = list(dict.fromkeys(rng.choices(TOPIC_WORDS, TOPIC_WEIGHTS, k=2)))
    for n in range(group.topics):
        identifier = (
            f"{base}-{n + 1:02d}-{rng.choice(TOPIC_WORDS).upper()}" if group.parent else base
        )
        own = rng.choices(TOPIC_WORDS, TOPIC_WEIGHTS) if group.parent else []
        topic = list(dict.fromkeys([*subject, *own]))
        call = {
            "id": ids.call,
            "code": None if rng.random() < 0.1 else 100_000 + ids.call,
            "identifier": identifier,
            "title": _title(rng, topic),
            "summary": " ".join(_sentence(rng, 12, 25, topic) for _ in range(2)),
            "description": "\n\n".join(_paragraph(rng, topic) for _ in range(rng.randint(2, 5))),
            "action": action,
            "objectives": [_sentence(rng, 8, 30, topic) for _ in range(rng.choice(range(7)))],
            "themes": rng.sample(reference["themes"], 2) if rng.random() < 0.3 else [],
            "participants": rng.sample(reference["participants"], 3) if rng.random() < 0.2 else [],
            "countries": ",".join(sorted(rng.sample(COUNTRIES, rng.randint(1, 6))))
            if rng.random() < 0.25
            else "",
            "keywords": topic,
            "money": _budget(rng, year),
        }
        ids.call += 1
        group.calls.append(call)


# --- COPY ----------------------------------------------------------------------------

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _field(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).translate(_ESCAPES)


class Copy:
    """The rows of one table, written as COPY text."""

    def __init__(self, table: str, columns: list[str]):
        self.table, self.columns, self.buffer = table, columns, io.StringIO()

    def add(self, *values) -> None:
        self.buffer.write("\t".join(_field(v) for v in values) + "\n")

    def send(self, cursor) -> None:
        self.buffer.seek(0)
        columns = ", ".join(self.columns)
        cursor.copy_expert(f"COPY {self.table} ({columns}) FROM STDIN", self.buffer)


_CALL_COLUMNS = (
    "id code identifier parent_identifier title summary description type_of_action budget "
    "opens_at created_at updated_at programme_id deadline_count submission_ends_at "
    "cancellation_reason cancelled_at published_at version eligible_countries action_code "
    "action_label apply_url budget_by_year budget_is_shared deadline_model description_html "
    "expected_grants ft_call_ccm2_id ft_ccm2_id ft_checksum ft_reference ft_status keywords "
    "max_contribution min_contribution national_note official_url source"
)
CALL_COLUMNS = _CALL_COLUMNS.split()


CANCELLATION_REASON = "The call is withdrawn: its budget moved to another call."


def _call_row(copy: Copy, group: Group, call: dict, now: datetime) -> None:
    money = call["money"]
    created = min(group.published_at or now, now) - timedelta(days=3)
    reason = CANCELLATION_REASON if group.cancelled_at else ""
    copy.add(
        call["id"],
        call["code"],
        call["identifier"],
        group.parent,
        call["title"],
        call["summary"],
        call["description"],
        call["action"],
        money["budget"],
        group.opens_at,
        created,
        created,
        group.programme[0],
        0,
        None,  # the schedule trigger computes them from the deadlines
        reason,
        group.cancelled_at,
        group.published_at,
        1,
        call["countries"],
        "",
        "",
        "",
        json.dumps(money["by_year"]),
        False,
        group.model,
        "",
        money["grants"],
        "",
        "",
        "",
        "",
        "",
        json.dumps(call["keywords"]),
        money["max"],
        money["min"],
        "",
        "",
        "portal",
    )


def send(cursor, groups: list[Group], ids: Ids, now: datetime) -> None:
    """COPY one batch: deadlines first (so the calls' insert trigger finds them), then
    the calls, parents, objectives and relations."""
    deadlines = Copy("calls_deadline", ["id", "call_id", "due_at", "label"])
    calls = Copy("calls_call", CALL_COLUMNS)
    parents = Copy("calls_parentcall", ["id", "identifier", "title", "source", "ft_ccm2_id"])
    objectives = Copy("calls_callobjective", ["id", "call_id", "position", "text"])
    themes = Copy("calls_call_themes", ["id", "call_id", "theme_id"])
    participants = Copy("calls_call_eligible_participants", ["id", "call_id", "participanttype_id"])
    for group in groups:
        if group.parent and ids.parent % 5:  # four parents in five have a row
            parents.add(ids.parent, group.parent, group.calls[0]["title"], "portal", "")
        ids.parent += 1
        for call in group.calls:
            for due, label in zip(group.dues, group.labels, strict=True):
                deadlines.add(ids.deadline, call["id"], due, label)
                ids.deadline += 1
            _call_row(calls, group, call, now)
            for position, text in enumerate(call["objectives"]):
                objectives.add(ids.objective, call["id"], position, text)
                ids.objective += 1
            for theme in call["themes"]:
                themes.add(ids.theme, call["id"], theme)
                ids.theme += 1
            for participant in call["participants"]:
                participants.add(ids.participant, call["id"], participant)
                ids.participant += 1
    for copy in (deadlines, calls, parents, objectives, themes, participants):
        copy.send(cursor)
