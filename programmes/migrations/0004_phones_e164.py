"""Telephone numbers in E.164 (+35722409904): the numbers stored as people wrote them
("22 409904") are converted, a national number read as one of the contact point's
country. A value that is not a valid number is kept as it was, and named in the output
of `migrate`, for someone to correct (the forms refuse it until then)."""

import phonenumbers
from django.db import migrations, models


def phones_to_e164(apps, schema_editor) -> list[str]:
    """Convert every contact point's and person's number; return (and print) the values
    kept because they are not numbers. The history keeps the numbers as they were."""
    ContactPoint = apps.get_model("programmes", "ContactPoint")
    ContactPerson = apps.get_model("programmes", "ContactPerson")
    kept = []
    for point in ContactPoint.objects.exclude(phone="").order_by("pk"):
        kept += _convert(point, point.country, f"contact point {point.slug}")
    for person in (
        ContactPerson.objects.exclude(phone="").select_related("contact_point").order_by("pk")
    ):
        where = f"contact person {person.pk} of {person.contact_point.slug}"
        kept += _convert(person, person.contact_point.country, where)
    for line in kept:
        print(f"\n  programmes.0004: {line}", end="")
    return kept


def _convert(row, region: str, where: str) -> list[str]:
    try:
        number = phonenumbers.parse(row.phone, str(region).upper() or None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        return [f"{where}: kept {row.phone!r}, not a valid telephone number"]
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if e164 != row.phone:
        type(row).objects.filter(pk=row.pk).update(phone=e164)
    return []


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0003_hardening_text"),
    ]

    operations = [
        migrations.RunPython(phones_to_e164, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="contactperson",
            name="phone",
            field=models.CharField(
                blank=True,
                help_text="With its country code, e.g. +32 2 299 11 11; a national contact point's own numbers may leave it out. Stored in international form.",
                max_length=40,
                verbose_name="telephone",
            ),
        ),
        migrations.AlterField(
            model_name="contactpoint",
            name="phone",
            field=models.CharField(
                blank=True,
                help_text="With its country code, e.g. +32 2 299 11 11; a national contact point's own numbers may leave it out. Stored in international form.",
                max_length=40,
                verbose_name="telephone",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcontactperson",
            name="phone",
            field=models.CharField(
                blank=True,
                help_text="With its country code, e.g. +32 2 299 11 11; a national contact point's own numbers may leave it out. Stored in international form.",
                max_length=40,
                verbose_name="telephone",
            ),
        ),
        migrations.AlterField(
            model_name="historicalcontactpoint",
            name="phone",
            field=models.CharField(
                blank=True,
                help_text="With its country code, e.g. +32 2 299 11 11; a national contact point's own numbers may leave it out. Stored in international form.",
                max_length=40,
                verbose_name="telephone",
            ),
        ),
    ]
