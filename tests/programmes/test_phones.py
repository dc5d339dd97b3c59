"""Telephone numbers: validated and stored in E.164 on the model, converted by the
migration, shown grouped with a `tel:` link."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.template import Context, Template

from programmes.models import ContactPerson, ContactPoint
from programmes.phones import phone_e164, phone_grouped

migration = importlib.import_module("programmes.migrations.0004_phones_e164")


@pytest.mark.parametrize(
    ("text", "region", "stored"),
    [
        ("22 409904", "CY", "+35722409904"),  # a Nicosia number, as the source page writes it
        ("+3222991111", "", "+3222991111"),
        ("+32 2 299 11 11", "CY", "+3222991111"),  # a country code wins over the region
        ("0032 2 299 11 11", "CY", "+3222991111"),  # 00: Cyprus's international prefix
        ("02 299 11 11", "be", "+3222991111"),
        ("", "", ""),
    ],
)
def test_numbers_are_stored_in_e164(text, region, stored):
    assert phone_e164(text, region) == stored


@pytest.mark.parametrize(
    ("text", "region"),
    [("22 409904", ""), ("+357 1", ""), ("12", "BE"), ("call the switchboard", "BE")],
)
def test_what_is_not_a_number_is_refused(text, region):
    with pytest.raises(ValidationError) as error:
        phone_e164(text, region)
    assert error.value.code == "invalid_phone"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+3222991111", "+32 2 299 11 11"),
        ("+35722409904", "+357 22 409904"),
        ("+33142758000", "+33 1 42 75 80 00"),
        ("ext. 12 at the desk", "ext. 12 at the desk"),  # kept by the migration: as it is
    ],
)
def test_numbers_are_shown_grouped(stored, shown):
    assert phone_grouped(stored) == shown


def test_the_filter_links_a_number_for_dialling():
    template = Template("{% load phones %}{{ number|phone_link }}")
    assert template.render(Context({"number": "+3222991111"})) == (
        '<a href="tel:+3222991111">+32 2 299 11 11</a>'
    )
    text = template.render(Context({"number": "Tel <b>12</b>"}))
    assert text == "Tel &lt;b&gt;12&lt;/b&gt;"  # kept text: no link, escaped


def national(**fields) -> ContactPoint:
    return ContactPoint(slug="cy-ncp", level="national", country="CY", name="NCP", **fields)


def eu(**fields) -> ContactPoint:
    return ContactPoint(slug="eu-ncp", level="eu", name="DG HOME", **fields)


@pytest.mark.django_db
def test_a_contact_point_stores_a_national_number_of_its_country():
    point = national(phone="22 409904")
    point.full_clean()
    assert point.phone == "+35722409904"


@pytest.mark.django_db
def test_an_eu_contact_point_needs_the_country_code():
    point = eu(phone="2 299 11 11")
    with pytest.raises(ValidationError) as error:
        point.full_clean()
    assert list(error.value.message_dict) == ["phone"]
    assert "country code" in error.value.message_dict["phone"][0]
    assert point.phone == "2 299 11 11"  # left as it was


@pytest.mark.django_db
def test_a_person_takes_the_country_of_their_contact_point():
    point = national()
    point.save()
    person = ContactPerson(contact_point=point, name="Doris", phone="22 409944")
    person.full_clean()
    assert person.phone == "+35722409944"
    without = ContactPerson(name="Doris", phone="22 409944")
    with pytest.raises(ValidationError):
        without.full_clean(exclude=["contact_point"])


@pytest.mark.django_db
def test_the_migration_converts_numbers_and_keeps_what_it_cannot(capsys):
    points = [national(phone="22 409904"), eu(phone="+32 2 299 11 11")]
    ContactPoint.objects.bulk_create(points)  # no clean: as stored before the migration
    cy, brussels = ContactPoint.objects.order_by("slug")
    ContactPerson.objects.bulk_create(
        [
            ContactPerson(contact_point=cy, position=0, name="Doris", phone="22 409944"),
            ContactPerson(contact_point=cy, position=1, name="Nikos", phone="ask the desk"),
            ContactPerson(contact_point=brussels, position=0, name="Ana", phone="2 299 11 12"),
            ContactPerson(contact_point=brussels, position=1, name="Eva", phone=""),
        ]
    )

    kept = migration.phones_to_e164(apps, None)

    phones = dict(ContactPerson.objects.values_list("name", "phone"))
    assert phones == {
        "Doris": "+35722409944",
        "Nikos": "ask the desk",
        "Ana": "2 299 11 12",
        "Eva": "",
    }
    assert list(ContactPoint.objects.order_by("slug").values_list("phone", flat=True)) == [
        "+35722409904",
        "+3222991111",
    ]
    assert len(kept) == 2 and "'ask the desk'" in kept[0] and "'2 299 11 12'" in kept[1]
    assert "kept 'ask the desk', not a valid telephone number" in capsys.readouterr().out
    assert migration.phones_to_e164(apps, None) == kept  # a second run changes nothing
