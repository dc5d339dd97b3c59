"""One table of searches and the calls they find in the demo data, run as it is on SQLite
(FTS5) and on PostgreSQL (tsvector): both databases must give the same hits (issue 13).

Every word is required, matched with English stemming, whatever its case, accents or
look-alike letters of another script; `-word` excludes. Identifier codes match as codes.
"""

import pytest

from calls.models import Call
from tests.factories import CallFactory

THB = "AMIF-2024-TF2-AG-THB-01"
THB_2022 = "AMIF-2022-AG-CALL-THB"  # its title begins with a Greek capital alpha
INFO = "AMIF-2022-TF1-AG-INFO"
SPONSORSHIP, LOCAL, EDUCATION, LABOUR, PATHWAYS, CHILDREN = (
    f"AMIF-2023-TF2-AG-CALL-{topic}"
    for topic in (
        "01-SPONSORSHIP",
        "02-LOCAL",
        "03-EDUCATION",
        "04-LABOUR",
        "05-PATHWAYS",
        "06-CHILDREN",
    )
)
INTEGRATION = {THB_2022, THB, SPONSORSHIP, LOCAL, EDUCATION, LABOUR}

QUERIES = [
    # several words, all required, in any order
    ("victims trafficking", {THB, THB_2022}),
    ("children migration", {CHILDREN}),
    ("community sponsorship", {SPONSORSHIP}),
    ("labour market", {LABOUR}),
    ("awareness campaigns", {INFO}),
    ("trafficking sponsorship", set()),
    # stop words are not required
    ("the victims of trafficking", {THB, THB_2022}),
    # stemming
    ("perception", {INFO}),  # the text says "perceptions"
    ("guardians", {CHILDREN}),
    ("migrant", {INFO, LOCAL, EDUCATION, LABOUR, CHILDREN}),
    ("migrants", {INFO, LOCAL, EDUCATION, LABOUR, CHILDREN}),
    # case, accents and look-alike letters
    ("integration", INTEGRATION),
    ("INTEGRATION", INTEGRATION),
    ("intégration", INTEGRATION),
    ("assistance", {THB, THB_2022}),  # "Αssistance" in THB_2022's title, with a Greek Α
    ("trаfficking", {THB, THB_2022}),  # typed with a Cyrillic а
    # exclusion
    ("trafficking -directive", {THB_2022}),
    # hyphenated words and identifier codes
    ("Integration-and-inclusion", {LOCAL}),
    ("AMIF 2023", {SPONSORSHIP, LOCAL, EDUCATION, LABOUR, PATHWAYS, CHILDREN}),
    ("call-thb", {THB_2022, THB}),  # the code, and the words "call" and "THB"
    ("tf1", {INFO}),
    # nothing
    ("smuggling", set()),
    ("photosynthesis", set()),
    ("-" * 40, set()),
]


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(("q", "expected"), QUERIES)
def test_the_same_searches_find_the_same_calls_on_every_database(q, expected):
    assert set(Call.objects.search(q).values_list("identifier", flat=True)) == expected


@pytest.mark.django_db
def test_results_are_ranked_title_then_summary_then_description():
    in_description = CallFactory(description="Support for resettlement of refugees.")
    in_title = CallFactory(title="Resettlement of refugees")
    in_summary = CallFactory(summary="Resettlement of refugees in cities.")
    ranked = Call.objects.search("resettlement").order_by("-relevance")
    assert list(ranked) == [in_title, in_summary, in_description]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("title", "q"),
    [
        ("Intégration des réfugiés", "integration refugies"),
        ("Integration of refugees", "intégration réfugees"),
        ("Migrаtion partnerships", "migration"),  # a Cyrillic а in the title
        ("Reception capacity", "RЕCЕPTION"),  # Cyrillic Е typed
        ("Naïve coöperation", "naive cooperation"),
    ],
)
def test_accents_and_look_alike_letters_do_not_matter_either_way(title, q):
    call = CallFactory(title=title)
    assert list(Call.objects.search(q)) == [call]


@pytest.mark.django_db
def test_the_index_follows_the_calls_as_they_change():
    call = CallFactory(title="Reception of asylum seekers")
    assert list(Call.objects.search("asylum")) == [call]
    # The database keeps the index, whatever writes: an UPDATE that bypasses the models.
    Call.objects.filter(pk=call.pk).update(title="Reception of refugees")
    assert list(Call.objects.search("asylum")) == []
    assert list(Call.objects.search("refugee")) == [call]
    call.delete()
    assert list(Call.objects.search("refugee")) == []
