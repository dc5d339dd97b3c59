"""Who may do what with calls and contact points, written once.

The NCP area, the admin and the API ask these permissions (`user.has_perm(name, obj)`,
through rules' ObjectPermissionBackend); lists start from the matching querysets
(`Call.objects.editable_by(user)`, `Programme.objects.managed_by(user)`), which state
the same rule in SQL. Roles: an NCP belongs to contact points and edits the calls of
their programmes; a superuser edits everything; staff run the site from the admin
with Django's model permissions.
"""

import rules

from calls.models import Call
from programmes.models import ContactPoint, Programme


@rules.predicate
def manages_programme(user, programme: Programme | None) -> bool:
    if programme is None:
        return Programme.objects.managed_by(user).exists()
    return Programme.objects.managed_by(user).filter(pk=programme.pk).exists()


@rules.predicate
def edits_call(user, call: Call | None) -> bool:
    if call is None:
        return Call.objects.editable_by(user).exists()
    return Call.objects.editable_by(user).filter(pk=call.pk).exists()


@rules.predicate
def belongs_to_contact_point(user, contact_point: ContactPoint | None) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    members = ContactPoint.objects.filter(members=user)
    if contact_point is None:
        return members.exists()
    return user.is_superuser or members.filter(pk=contact_point.pk).exists()


# Object permissions (the object may be None: "may they do it for any object?").
rules.add_perm("calls.manage_calls", manages_programme | rules.is_superuser)
rules.add_perm("calls.add_call_to_programme", manages_programme)
rules.add_perm("calls.edit_call", edits_call)
rules.add_perm("programmes.edit_contact_point", belongs_to_contact_point)
