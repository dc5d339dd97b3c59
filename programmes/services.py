"""Changes to programmes' contact points and their members, for every interface alike
(NCP area, admin, API, management commands).

As in calls/services.py: each function is atomic, validates what it writes
(`full_clean`) and records who made the change in the history (django-simple-history).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from foundation.history import history_user, save_validated
from programmes.models import ContactPerson, ContactPoint, Programme

# Fields a member of a contact point sets through `contact_point_update`.
CONTACT_POINT_FIELDS = ("name", "phone", "phone_note", "email", "website")


@dataclass(frozen=True)
class PersonInput:
    """One contact person as an editor gives them; `pk` names an existing one to keep."""

    name: str
    job_title: str = ""
    phone: str = ""
    email: str = ""
    pk: int | None = None


@transaction.atomic
def contact_point_update(
    *, contact_point: ContactPoint, user, fields: dict, persons: Iterable[PersonInput]
) -> ContactPoint:
    """Save the contact point's details and make its persons `persons`, in that order.

    Persons not named by `pk` are removed; the others are kept, updated or added.
    """
    unknown = set(fields) - set(CONTACT_POINT_FIELDS)
    if unknown:
        raise ValueError(f"Not editable: {', '.join(sorted(unknown))}")
    contact_point = ContactPoint.objects.select_for_update().get(pk=contact_point.pk)
    for name, value in fields.items():
        setattr(contact_point, name, value)
    save_validated(contact_point, user)
    _write_persons(contact_point, user, list(persons))
    return contact_point


def ncp_grant(
    *,
    username: str,
    password: str | None,
    programme_slug: str,
    email: str = "",
    contact_point_slug: str | None = None,
):
    """Make `username` a national contact point (NCP) of a programme; atomic, idempotent.

    The user joins a contact point of the programme (the `ContactPoint.members` that
    `Programme.objects.managed_by` and calls/permissions.py read): the one named by
    `contact_point_slug`, or else the programme's only national contact point. A user
    that does not exist yet is created, never as staff, with `password` checked by
    AUTH_PASSWORD_VALIDATORS and hashed with the first of PASSWORD_HASHERS (Argon2). An
    existing user is kept as they are: their password and e-mail address are not changed.

    Returns `(user, contact_point, created)`, `created` being False when the user already
    was a member of that contact point (nothing was written). Raises `ValidationError`,
    with every problem found, before writing anything.
    """

    def slugs(contact_points) -> str:
        return ", ".join(contact_point.slug for contact_point in contact_points)

    programme = Programme.objects.filter(slug=programme_slug).first()
    if programme is None:
        raise ValidationError(_('No programme with slug "%(slug)s".') % {"slug": programme_slug})

    serving = programme.contact_points.order_by("slug")
    if contact_point_slug:
        contact_point = serving.filter(slug=contact_point_slug).first()
        if contact_point is None:
            if not ContactPoint.objects.filter(slug=contact_point_slug).exists():
                message = _('No contact point with slug "%(slug)s".')
            else:
                message = _('Contact point "%(slug)s" is not one of programme "%(programme)s".')
            message %= {"slug": contact_point_slug, "programme": programme.slug}
            if serving:
                message += " " + _("Its contact points: %(slugs)s.") % {"slugs": slugs(serving)}
            raise ValidationError(message)
    else:
        national = list(serving.filter(level=ContactPoint.Level.NATIONAL))
        if not national:
            raise ValidationError(
                _(
                    'Programme "%(programme)s" has no national contact point. Create one first '
                    "(admin: Programmes > Contact points, level National), add the programme "
                    "to it, then run this again."
                )
                % {"programme": programme.slug}
            )
        if len(national) > 1:
            raise ValidationError(
                _(
                    'Programme "%(programme)s" has several national contact points: %(slugs)s. '
                    "Name the one to join (--contact-point)."
                )
                % {"programme": programme.slug, "slugs": slugs(national)}
            )
        contact_point = national[0]

    User = get_user_model()
    user = User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()
    if user is None:
        problems: list[str] = []
        lookalike = User._default_manager.filter(
            **{f"{User.USERNAME_FIELD}__iexact": username}
        ).first()
        if lookalike is not None:
            problems.append(
                _('A user "%(existing)s" already exists; use that username.')
                % {"existing": lookalike.get_username()}
            )
        user = User(
            **{User.USERNAME_FIELD: username},
            email=User._default_manager.normalize_email(email or ""),
            is_staff=False,
            is_superuser=False,
        )
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as error:
            problems += [
                f"{field}: {message}" if field != "__all__" else message
                for field, messages in error.message_dict.items()
                for message in messages
            ]
        if not password:
            problems.append(_("A password is needed to create a user."))
        else:
            try:
                validate_password(password, user)
            except ValidationError as error:
                problems += [_("password: %(problem)s") % {"problem": m} for m in error.messages]
        if problems:
            raise ValidationError(problems)
        user.set_password(password)

    with transaction.atomic():
        if user.pk is None:
            user.save()
        elif contact_point.members.filter(pk=user.pk).exists():
            return user, contact_point, False
        contact_point.members.add(user)
    return user, contact_point, True


def _write_persons(contact_point: ContactPoint, user, wanted: list[PersonInput]) -> None:
    current = {person.pk: person for person in contact_point.persons.all()}
    kept = {item.pk for item in wanted if item.pk in current}
    for pk, person in current.items():
        if pk not in kept:
            person._history_user = history_user(user)
            person.delete()
    for position, item in enumerate(wanted):
        person = current.get(item.pk) or ContactPerson(contact_point=contact_point)
        values = {
            "position": position,
            "name": item.name,
            "job_title": item.job_title,
            "phone": item.phone,
            "email": item.email,
        }
        if person.pk and all(getattr(person, key) == value for key, value in values.items()):
            continue
        for key, value in values.items():
            setattr(person, key, value)
        save_validated(person, user)
