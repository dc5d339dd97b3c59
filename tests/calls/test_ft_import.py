"""`manage.py import_ft` from a file: idempotent, one transaction per record, bad records
reported, changes recorded by the import, F&T's fields owned by F&T (calls/ft/sync.py)."""

import sys
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from calls import services
from calls.ft.sync import AUTHOR
from calls.models import Call, CallChange, Deadline, ImportRun, ParentCall, Source
from tests.calls.ft_data import SAMPLES, amif_topic, answer_file, budget_overview
from tests.factories import FundFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db

EARLY = "2026-01-05T00:00:00.000+0000"
SEARCH = str(SAMPLES / "fundhunt_sedia_search.json")
CASCADE = str(SAMPLES / "fundhunt_sedia_cascade.json")


def import_ft(source: str, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_ft", source, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def amif():
    return ProgrammeFactory(
        fund=FundFactory(code="AMIF", call_prefix="AMIF"), slug="amif-2021-2027"
    )


def test_the_sample_topics_are_imported_with_their_call(amif):
    out, _err = import_ft(SEARCH, "--all-programmes")
    assert out.strip().endswith(
        "created 4, updated 0, unchanged 0, skipped 0, withdrawn 0, warnings 0"
    )
    topic = Call.objects.get(identifier="HORIZON-JU-CBE-2026-IAFlag-02")
    assert topic.source == Source.FT and topic.parent_identifier == "HORIZON-JU-CBE-2026"
    assert topic.published_at is not None
    assert [d.due_at for d in topic.deadlines.all()] == [datetime(2026, 9, 22, 15, tzinfo=UTC)]
    # An unknown programme goes under a fund of its own, which the admin can rename.
    assert topic.programme.fund.code == "FT-43108390"
    parent = ParentCall.objects.get(identifier="HORIZON-CL5-2026-09")
    assert parent.title == "BATTERIES and ENERGY"
    assert Call.objects.filter(parent_identifier=parent.identifier).count() == 2
    run = ImportRun.objects.get()
    assert (run.outcome, run.created, run.finished_at is not None) == ("finished", 4, True)


def test_cascade_calls_sharing_an_identifier_are_each_imported(amif):
    import_ft(CASCADE, "--all-programmes")
    assert Call.objects.filter(parent_identifier="DIGITAL-2023-SKILLS-05-SPECIALEDU").count() == 2
    cascade = Call.objects.get(ft_reference="11143COMPETITIVE_CALLen")
    assert cascade.deadlines.count() == 7
    assert cascade.deadlines.first().due_at == datetime(2025, 9, 2, 3, 59, tzinfo=UTC)


def test_by_default_only_the_portals_funds_are_imported(amif, tmp_path):
    source = answer_file(tmp_path, amif_topic(), *_sample_results())
    out, err = import_ft(source)
    assert "created 1," in out and "skipped 4" in out
    assert "HORIZON-CL5-2026-09-D4-03: programme 43108390 is not one of the portal's funds" in err
    assert Call.objects.get().programme == amif


def test_a_second_import_of_the_same_data_writes_nothing(amif, tmp_path):
    source = answer_file(tmp_path, amif_topic(budgetOverview=budget_overview(_line())))
    import_ft(source)
    call = Call.objects.get()
    history, updated_at = call.history.count(), call.updated_at
    out, _err = import_ft(source)
    assert "created 0, updated 0, unchanged 1," in out
    call.refresh_from_db()
    assert (call.history.count(), call.updated_at, call.version) == (history, updated_at, 1)
    assert ImportRun.objects.first().unchanged == 1


def test_the_same_topic_twice_in_one_answer_is_imported_once(amif, tmp_path):
    out, err = import_ft(answer_file(tmp_path, amif_topic(), amif_topic()))
    assert "created 1," in out and "skipped 1" in out
    assert "AMIF-2026-TF2-AG-INTE-01: appears twice in the source" in err


def test_a_bad_record_is_reported_by_identifier_and_the_import_goes_on(amif, tmp_path):
    source = answer_file(
        tmp_path,
        amif_topic("AMIF-2026-TF2-AG-INTE-01", startDate=None),
        amif_topic(
            "AMIF-2026-TF2-AG-INTE-02", budgetOverview=budget_overview(_line(), truncate=True)
        ),
        # Closes before it opens: the database refuses it, in its own transaction.
        amif_topic("AMIF-2026-TF2-AG-INTE-03", startDate="2027-01-01T00:00:00.000+0000"),
        amif_topic("AMIF-2026-TF2-AG-INTE-04"),
    )
    out, err = import_ft(source)
    assert "created 2, updated 0, unchanged 0, skipped 2, withdrawn 0, warnings 3" in out
    assert "AMIF-2026-TF2-AG-INTE-01: no startDate" in err
    assert "AMIF-2026-TF2-AG-INTE-02: budgetOverview is not valid JSON" in err
    assert "AMIF-2026-TF2-AG-INTE-03: deadlines: A deadline must come after the call opens." in err
    assert set(Call.objects.values_list("identifier", flat=True)) == {
        "AMIF-2026-TF2-AG-INTE-02",
        "AMIF-2026-TF2-AG-INTE-04",
    }


@pytest.mark.parametrize("content", ["", "{not json", '{"results": "none"}'])
def test_nothing_readable_is_a_command_error_and_a_failed_run(tmp_path, content):
    path = tmp_path / "answer.json"
    path.write_text(content)
    with pytest.raises(CommandError, match="Nothing could be read"):
        import_ft(str(path))
    assert ImportRun.objects.get().outcome == "failed"


def test_a_moved_added_or_removed_deadline_is_recorded_with_the_import_as_author(amif, tmp_path):
    dates = ["2026-04-29T00:00:00.000+0000", "2026-09-17T00:00:00.000+0000"]
    import_ft(
        answer_file(
            tmp_path,
            amif_topic(startDate=EARLY, deadlineModel="multiple cut-off", deadlineDate=dates),
        )
    )
    call = Call.objects.get()
    moved = [
        "2026-05-06T00:00:00.000+0000",
        "2026-09-17T00:00:00.000+0000",
        "2027-01-14T00:00:00.000+0000",
    ]
    out, _err = import_ft(
        answer_file(
            tmp_path,
            amif_topic(startDate=EARLY, deadlineModel="multiple cut-off", deadlineDate=moved),
        )
    )
    assert "updated 1" in out
    changes = list(call.changes.order_by("kind"))
    assert [(c.kind, c.made_by.username) for c in changes] == [
        (CallChange.Kind.DEADLINE_ADDED, AUTHOR),
        (CallChange.Kind.DEADLINE_MOVED, AUTHOR),
    ]
    assert changes[1].old_due_at == datetime(2026, 4, 29, 15, tzinfo=UTC)
    assert changes[1].new_due_at == datetime(2026, 5, 6, 15, tzinfo=UTC)
    import_ft(
        answer_file(
            tmp_path,
            amif_topic(startDate=EARLY, deadlineModel="multiple cut-off", deadlineDate=moved[:2]),
        )
    )
    assert call.changes.filter(kind=CallChange.Kind.DEADLINE_REMOVED).count() == 1
    assert Deadline.objects.filter(call=call).count() == 2


def test_the_sync_updates_ft_fields_and_never_what_ncps_added(amif, tmp_path):
    import_ft(answer_file(tmp_path, amif_topic()))
    call = Call.objects.get()
    contact_point = _national_contact_point()
    services.call_update(
        call=call,
        user=None,
        expected_version=call.version,
        fields={"national_note": "Ask the Cyprus NCP about co-financing."},
        deadlines=_same_deadlines(call),
    )
    call.contact_points.add(contact_point)
    import_ft(
        answer_file(
            tmp_path, amif_topic(title="A new title", budgetOverview=budget_overview(_line()))
        )
    )
    call.refresh_from_db()
    assert (call.title, call.budget) == ("A new title", Decimal("4000000.00"))
    assert call.national_note == "Ask the Cyprus NCP about co-financing."
    assert list(call.contact_points.all()) == [contact_point]


@pytest.mark.parametrize(
    "fields",
    [{"title": "Renamed by an NCP"}, {"budget": Decimal("1.00")}, {"apply_url": "https://x.eu"}],
)
def test_an_ncp_cannot_change_what_ft_gives(amif, tmp_path, fields):
    import_ft(answer_file(tmp_path, amif_topic()))
    call = Call.objects.get()
    with pytest.raises(ValidationError) as error:
        services.call_update(
            call=call,
            user=None,
            expected_version=call.version,
            fields=fields,
            deadlines=_same_deadlines(call),
        )
    assert error.value.message_dict == {
        next(iter(fields)): [
            "This comes from the EU Funding & Tenders Portal and cannot be changed here."
        ]
    }


def test_an_ncp_cannot_move_the_deadlines_or_cancel_an_imported_topic(amif, tmp_path):
    import_ft(answer_file(tmp_path, amif_topic()))
    call = Call.objects.get()
    later = services.DeadlineInput(datetime(2026, 12, 1, 16, tzinfo=UTC))
    with pytest.raises(ValidationError, match="deadlines"):
        services.call_update(
            call=call, user=None, expected_version=call.version, fields={}, deadlines=[later]
        )
    with pytest.raises(ValidationError):
        services.call_extend_deadline(deadline=call.deadlines.get(), user=None, due_at=later.due_at)
    with pytest.raises(ValidationError):
        services.call_cancel(call=call, user=None, reason="No.")


def test_a_portal_call_of_the_same_identifier_is_taken_over_by_the_import(amif, tmp_path):
    from tests.factories import CallFactory

    CallFactory(programme=amif, identifier="AMIF-2026-TF2-AG-INTE-01", code=1)
    out, _err = import_ft(answer_file(tmp_path, amif_topic()))
    assert "updated 1" in out
    assert Call.objects.get().source == Source.FT


def _same_deadlines(call) -> list:
    return [services.DeadlineInput(d.due_at, d.label, d.pk) for d in call.deadlines.all()]


def _line() -> dict:
    return {
        "action": "AMIF-2026-TF2-AG-INTE-01 - AMIF-PJG AMIF Project Grants",
        "budgetYearMap": {"2026": "4000000"},
        "expectedGrants": 4,
    }


def _national_contact_point():
    from programmes.models import ContactPoint

    return ContactPoint.objects.create(name="NCP Cyprus", level="eu")


def _sample_results() -> list:
    from tests.calls.ft_data import sample

    return sample("search")["results"]


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("stream", "bar"), [(StringIO, False), (Terminal, True)])
def test_a_progress_bar_only_in_a_terminal(amif, tmp_path, monkeypatch, stream, bar):
    source = answer_file(tmp_path, amif_topic(), amif_topic("AMIF-2026-TF2-AG-INTE-02"))
    monkeypatch.setattr(sys, "stderr", stream())
    call_command("import_ft", source, stdout=StringIO())
    assert ("2/2" in sys.stderr.getvalue()) is bar
