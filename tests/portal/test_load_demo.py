"""The demo data holds the facts of the five source pages, with their values."""

import shutil
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from calls.models import Call
from portal.demo_loader import DEMO_DIR, DemoDataError, load_demo
from programmes.models import ContactPoint, Fund, Programme
from projects.models import Country, Initiative, NewsItem, Region, SupportFigure

pytestmark = pytest.mark.usefixtures("demo")

# code, identifier, title, opening (00:00 Brussels), deadline (17:00 Brussels), both in UTC.
SEED_CALLS = [
    (
        33804,
        "AMIF-2024-TF2-AG-THB-01",
        "Call for proposals on the assistance, support and integration of third country "
        "national victims of trafficking in human beings",
        datetime(2024, 5, 20, 22, tzinfo=UTC),
        datetime(2024, 8, 21, 15, tzinfo=UTC),
    ),
    (
        27740,
        "AMIF-2023-TF2-AG-CALL-03-EDUCATION",
        "Support to integration in education of migrant children and young adults",
        datetime(2023, 1, 16, 23, tzinfo=UTC),
        datetime(2023, 5, 16, 15, tzinfo=UTC),
    ),
    (
        27737,
        "AMIF-2023-TF2-AG-CALL-06-CHILDREN",
        "Transnational actions to support Member States in the field of protection of "
        "children in migration",
        datetime(2023, 1, 16, 23, tzinfo=UTC),
        datetime(2023, 5, 16, 15, tzinfo=UTC),
    ),
    (
        27734,
        "AMIF-2023-TF2-AG-CALL-04-LABOUR",
        "Multi-stakeholder initiatives for migrant integration into the labour market",
        datetime(2023, 1, 16, 23, tzinfo=UTC),
        datetime(2023, 5, 16, 15, tzinfo=UTC),
    ),
    (
        27732,
        "AMIF-2023-TF2-AG-CALL-05-PATHWAYS",
        "Promoting complementary pathways linked to education and/or work",
        datetime(2023, 1, 16, 23, tzinfo=UTC),
        datetime(2023, 5, 16, 15, tzinfo=UTC),
    ),
    (
        27729,
        "AMIF-2023-TF2-AG-CALL-02-LOCAL",
        "Integration and inclusion at regional and local level",
        datetime(2023, 1, 16, 23, tzinfo=UTC),
        datetime(2023, 5, 16, 15, tzinfo=UTC),
    ),
    (
        27726,
        "AMIF-2023-TF2-AG-CALL-01-SPONSORSHIP",
        "Promoting community sponsorship schemes and integration of persons in need of protection",
        datetime(2023, 1, 16, 23, tzinfo=UTC),
        datetime(2023, 5, 16, 15, tzinfo=UTC),
    ),
    (
        20543,
        "AMIF-2022-TF1-AG-INFO",
        "Information and awareness raising campaigns on the risks of irregular migration in "
        "third countries and within Europe",
        datetime(2022, 3, 30, 22, tzinfo=UTC),
        datetime(2022, 7, 5, 15, tzinfo=UTC),
    ),
    (
        18717,
        "AMIF-2022-AG-CALL-THB",
        "\u0391ssistance, support and integration of third country national victims of "
        "trafficking in human beings",
        datetime(2022, 2, 16, 23, tzinfo=UTC),
        datetime(2022, 5, 19, 15, tzinfo=UTC),
    ),
]


@pytest.mark.parametrize(("code", "identifier", "title", "opens_at", "due_at"), SEED_CALLS)
def test_each_seed_call(code, identifier, title, opens_at, due_at):
    call = Call.objects.get(identifier=identifier)
    assert (call.code, call.title, call.opens_at) == (code, title, opens_at)
    assert [d.due_at for d in call.deadlines.all()] == [due_at]
    assert call.programme.slug == "amif-2021-2027"
    assert call.type_of_action == "AG"
    assert call.budget is None


def test_there_are_exactly_the_nine_seed_calls():
    assert set(Call.objects.values_list("identifier", flat=True)) == {c[1] for c in SEED_CALLS}


def test_topics_name_their_parent_call():
    parents = dict(Call.objects.values_list("identifier", "parent_identifier"))
    assert parents["AMIF-2024-TF2-AG-THB-01"] == "AMIF-2024-TF2-AG-THB"
    assert parents["AMIF-2023-TF2-AG-CALL-04-LABOUR"] == "AMIF-2023-TF2-AG-CALL"
    assert parents["AMIF-2022-TF1-AG-INFO"] == ""


def test_call_descriptions_keep_paragraphs_and_objectives():
    education = Call.objects.get(identifier="AMIF-2023-TF2-AG-CALL-03-EDUCATION")
    assert education.description.endswith(
        "migrant-led organisations.\n\nThis can be achieved through the following specific "
        "objectives:"
    )
    assert [o.text for o in education.objectives.all()][0] == (
        "providing adapted and balanced language reception/introduction classes for both children;"
    )
    labour = Call.objects.get(identifier="AMIF-2023-TF2-AG-CALL-04-LABOUR")
    assert labour.objectives.count() == 5
    children = Call.objects.get(identifier="AMIF-2023-TF2-AG-CALL-06-CHILDREN")
    assert children.description.count("\n\n") == 1


def test_the_amif_programme():
    amif = Programme.objects.get(slug="amif-2021-2027")
    assert amif.title == "Asylum, Migration and Integration Fund (2021-2027)"
    assert amif.fund.code == "AMIF"
    assert amif.fund.managing_dg.acronym == "DG HOME"
    assert (amif.period_start, amif.period_end) == (2021, 2027)
    assert amif.budget == Decimal("9900000000")
    assert amif.objectives.count() == 4
    assert amif.objectives.first().text.startswith("to strengthen and develop all aspects")
    assert amif.actions.count() == 9
    assert [t.name for t in amif.themes.all()] == ["Migration and Citizenship"]
    assert sorted(p.name for p in amif.eligible_participants.all()) == [
        "Central Government",
        "Educational Institutions",
        "NGOs",
        "Non Profit Organisations",
        "Private Bodies",
        "Researchers/Research Centers/Institutions",
        "State-owned Enterprises",
        "Training Centres",
    ]


def test_the_contact_points_and_their_persons():
    amif = Programme.objects.get(slug="amif-2021-2027")
    national = amif.contact_points.get(level=ContactPoint.Level.NATIONAL)
    assert national.name == "Ministry of Interior"
    persons = [(p.name, p.job_title, p.phone) for p in national.persons.all()]
    assert persons == [
        ("Doris Constantinou", "Administrative Officer", "+35722409904"),
        ("Christina Hadjieconomou", "Administrative Officer", "+35722409944"),
    ]
    eu = amif.contact_points.get(level=ContactPoint.Level.EU)
    assert (eu.name, eu.phone, eu.phone_note) == (
        "Migration and Home Affairs",
        "+3222991111",
        "Commission switchboard",
    )


def test_every_fund_named_in_the_sources_has_a_programme():
    codes = {"AMIF", "ISF-Police", "ISF-Borders", "NDICI-Global Europe", "IPA III"}
    assert set(Fund.objects.values_list("code", flat=True)) == codes
    assert not Fund.objects.filter(programmes=None).exists()


MPF_COUNTRIES = {
    "AM",
    "BY",
    "BE",
    "BG",
    "EG",
    "EE",
    "FR",
    "GE",
    "HU",
    "IN",
    "IT",
    "JO",
    "LV",
    "LT",
    "MD",
    "MA",
    "NL",
    "NG",
    "PL",
    "PT",
    "RO",
    "SN",
    "SK",
    "ES",
    "SE",
    "TN",
    "UA",
}


def test_the_migration_partnership_facility():
    mpf = Initiative.objects.get(slug="mpf")
    assert (mpf.title, mpf.acronym) == ("Migration Partnership Facility", "MPF")
    assert {str(c.code) for c in mpf.countries.all()} == MPF_COUNTRIES
    assert len(MPF_COUNTRIES) == 27
    assert mpf.is_global
    assert (mpf.starts_on, mpf.ends_on) == (date(2020, 1, 1), date(2024, 12, 31))
    assert mpf.budget == Decimal("62550000")
    assert sorted(f.code for f in mpf.funding_sources.all()) == [
        "AMIF",
        "ISF-Borders",
        "ISF-Police",
    ]
    assert mpf.managing_dg.acronym == "DG HOME"
    assert mpf.implementer.acronym == "ICMPD"
    assert sorted(t.name for t in mpf.themes.all()) == [
        "Asylum and International Protection",
        "Border Management and Security",
        "Integration and Social Cohesion",
    ]
    assert mpf.priorities.count() == 4
    assert mpf.priorities.first().text.startswith("Better organisation of legal migration")
    assert mpf.partner_actions.count() == 5


def test_the_dated_news_items_newest_first():
    dated = NewsItem.objects.exclude(published_on=None)
    assert [(n.published_on, n.initiative and n.initiative.slug) for n in dated] == [
        (date(2024, 7, 26), "bomca"),
        (date(2024, 7, 25), "khartoum-process"),
        (date(2024, 7, 23), "emlink"),
        (date(2024, 7, 22), None),
        (date(2024, 7, 19), None),
        (date(2024, 7, 15), "eudif"),
    ]
    assert NewsItem.objects.filter(is_featured=True, published_on=None).count() == 3


def test_the_regions_and_their_countries():
    countries = {
        region.slug: {str(c.code) for c in region.countries.all()}
        for region in Region.objects.all()
    }
    assert countries == {
        "southern-neighbourhood": {"SY", "TR"},
        "eastern-neighbourhood": {"AM", "AZ", "BY", "GE", "MD", "UA"},
        "western-balkans": {"AL", "BA", "ME", "MK", "RS"},
    }


@pytest.mark.parametrize(
    ("slug", "amount", "qualifier", "instrument"),
    [
        ("turkiye-migration-border-management", "900000000", "close-to", None),
        ("western-balkans-since-2021", "350000000", "more-than", "IPA III"),
        ("western-balkans-package-2024", "60000000", "", "IPA III"),
        ("western-balkans-package-2024-governance", "47000000", "", "IPA III"),
        ("western-balkans-package-2024-returns", "13000000", "", "IPA III"),
        ("western-balkans-anti-smuggling-2023", "36000000", "", "IPA III"),
        ("syria-region-since-2011", "33000000000", "more-than", None),
        ("syria-region-pledged-2024", "6000000000", "almost", None),
        ("syria-region-commission-2024-2025", "2120000000", "", None),
        ("bomca-ngo-projects-2024-2025", "635000", "almost", None),
    ],
)
def test_support_figures(slug, amount, qualifier, instrument):
    figure = SupportFigure.objects.get(slug=slug)
    assert figure.amount == Decimal(amount)
    assert figure.qualifier == qualifier
    assert (figure.instrument and figure.instrument.code) == instrument


def test_the_2024_western_balkans_package_names_its_four_countries():
    figure = SupportFigure.objects.get(slug="western-balkans-package-2024")
    assert {str(c.code) for c in figure.countries.all()} == {"BA", "RS", "ME", "MK"}
    assert Country.objects.get(code="TR").region.slug == "southern-neighbourhood"


def _snapshot() -> dict:
    """Every row of the portal's tables, as values (ids included)."""
    portal_apps = {"programmes", "calls", "projects"}
    models = [
        m for m in apps.get_models(include_auto_created=True) if m._meta.app_label in portal_apps
    ]
    return {m._meta.db_table: sorted(map(repr, m.objects.values_list())) for m in models}


def test_loading_twice_gives_the_same_rows():
    before = _snapshot()
    call_command("load_demo", stdout=None)
    assert _snapshot() == before


def test_a_broken_data_file_changes_nothing(tmp_path):
    shutil.copytree(DEMO_DIR, tmp_path, dirs_exist_ok=True)
    calls = (tmp_path / "calls.yaml").read_text(encoding="utf-8")
    (tmp_path / "calls.yaml").write_text(
        calls.replace("deadlines: [2022-05-19]", "deadlines: [2021-05-19]"), encoding="utf-8"
    )
    (tmp_path / "organisations.yaml").write_text(
        (tmp_path / "organisations.yaml").read_text().replace("EU Asylum Agency", "Renamed"),
        encoding="utf-8",
    )
    before = _snapshot()
    with pytest.raises(DemoDataError, match="AMIF-2022-AG-CALL-THB"):
        load_demo(tmp_path)
    assert _snapshot() == before


def test_the_command_reports_a_bad_file_with_an_error(tmp_path):
    shutil.copytree(DEMO_DIR, tmp_path, dirs_exist_ok=True)
    (tmp_path / "organisations.yaml").write_text("- acronym: [unclosed", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was changed: organisations.yaml"):
        call_command("load_demo", data=tmp_path)


def test_the_command_says_what_it_loaded(capsys):
    call_command("load_demo")
    assert "9 calls" in capsys.readouterr().out


def test_loading_again_puts_a_changed_call_back_through_the_services():
    call = Call.objects.get(identifier="AMIF-2024-TF2-AG-THB-01")
    Call.objects.filter(pk=call.pk).update(title="Edited since")
    call.deadlines.all().delete()

    call_command("load_demo", stdout=None)

    changed = Call.objects.get(pk=call.pk)
    assert changed.title == call.title and changed.version == call.version + 1
    assert changed.deadlines.count() == 1
    assert changed.history.latest().version == changed.version
    call_command("load_demo", stdout=None)
    assert Call.objects.get(pk=call.pk).version == changed.version
