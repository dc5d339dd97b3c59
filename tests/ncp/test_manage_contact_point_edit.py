"""A member edits their contact point's details and persons; history records who did."""

import pytest
from django.urls import reverse

from programmes.models import ContactPerson
from tests.ncp.formdata import contact_point_data


@pytest.fixture
def signed_in(client, ncp_a):
    client.force_login(ncp_a)
    return client


@pytest.fixture
def persons(contact_point_a):
    return [
        ContactPerson.objects.create(contact_point=contact_point_a, position=0, name="Maria"),
        ContactPerson.objects.create(contact_point=contact_point_a, position=1, name="Nikos"),
    ]


def edit_url(contact_point) -> str:
    return reverse("manage_contact_point_edit", args=[contact_point.slug])


def test_the_form_lists_the_persons_and_an_empty_one(signed_in, contact_point_a, persons):
    response = signed_in.get(edit_url(contact_point_a))
    formset = response.context["formset"]
    assert [form["name"].value() for form in formset] == ["Maria", "Nikos", None]
    html = response.content.decode()
    assert "<legend>Contact persons</legend>" in html
    assert "Remove this person" in html


def test_details_and_persons_are_saved_in_order(signed_in, ncp_a, contact_point_a, persons):
    maria, nikos = persons
    data = contact_point_data(
        contact_point_a,
        [
            {"id": maria.pk, "name": "Maria", "DELETE": True},
            {"id": nikos.pk, "name": "Nikos Petrou", "job_title": "Adviser"},
            {"name": "Eleni", "email": "eleni@example.org"},
        ],
        phone="+357 22 000000",
        website="https://ncp.example.org/",
    )

    response = signed_in.post(edit_url(contact_point_a), data, follow=True)

    assert response.redirect_chain == [(reverse("manage_home"), 302)]
    assert "The contact point&#x27;s details were saved." in response.content.decode()
    contact_point_a.refresh_from_db()
    assert (contact_point_a.phone, contact_point_a.website) == (
        "+35722000000",
        "https://ncp.example.org/",
    )
    assert [(p.position, p.name, p.job_title) for p in contact_point_a.persons.all()] == [
        (0, "Nikos Petrou", "Adviser"),
        (1, "Eleni", ""),
    ]
    assert contact_point_a.history.first().history_user == ncp_a
    assert ContactPerson.history.filter(name="Eleni").get().history_user == ncp_a


def test_errors_show_on_their_fields_and_nothing_is_saved(signed_in, contact_point_a, persons):
    data = contact_point_data(
        contact_point_a,
        [{"id": p.pk, "name": p.name} for p in persons] + [{"email": "not an address"}],
        email="nor this",
    )

    response = signed_in.post(edit_url(contact_point_a), data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["email"]
    assert response.context["formset"].forms[2].errors.keys() == {"name", "email"}
    html = response.content.decode()
    assert 'href="#id_email"' in html and 'href="#id_persons-2-name"' in html
    contact_point_a.refresh_from_db()
    assert contact_point_a.email == ""
    assert contact_point_a.persons.count() == 2


def test_numbers_are_stored_in_e164_and_a_wrong_one_is_refused(signed_in, contact_point_a):
    data = contact_point_data(
        contact_point_a, [{"name": "Maria", "phone": "22 409944"}], phone="22 409904"
    )
    signed_in.post(edit_url(contact_point_a), data)
    contact_point_a.refresh_from_db()
    assert contact_point_a.phone == "+35722409904"
    assert contact_point_a.persons.get().phone == "+35722409944"

    data = contact_point_data(contact_point_a, [{"name": "Maria", "phone": "22"}], phone="2")
    response = signed_in.post(edit_url(contact_point_a), data)

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["phone"]
    assert list(response.context["formset"].forms[0].errors) == ["phone"]
    assert "Not a valid telephone number" in response.content.decode()
    contact_point_a.refresh_from_db()
    assert contact_point_a.phone == "+35722409904"
