"""Who may do what, written once: the rules, and the adapters that ask them.

The rules are django-rules permissions (`user.has_perm(name, obj)`, through rules'
ObjectPermissionBackend). Lists start from the querysets that state the same rule in
SQL (`Call.objects.editable_by(user)`, `Programme.objects.managed_by(user)`). Roles: an
NCP belongs to contact points and edits the calls of their programmes; a superuser edits
everything; staff run the site from the admin with Django's model permissions (the
admin asks those itself; `foundation.history.ReadOnlyHistoryAdmin` refuses history writes).

Adapters, so that no view tests ownership by hand (STYLE.md, pitfall 2):
- the NCP area: `call_permission_required`, `contact_point_permission_required` and
  `require` for an object known only once a form is valid;
- the API (DRF): `SafeMethodsOnly`, the default of every view (settings.REST_FRAMEWORK),
  so an endpoint writes only if it states its own rule; `CallWritePermission` and
  `HoldsApiKey` are those rules.

tests/test_permissions.py is the matrix of every write path of every door.
"""

from collections.abc import Callable
from functools import wraps

import rules
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from rest_framework.permissions import SAFE_METHODS, BasePermission

from calls.models import Call
from programmes.models import ContactPoint, Programme

# --- The rules ---


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


def require(user, perm: str, obj=None, message: str = "") -> None:
    """Raise PermissionDenied (a 403 in views and in the API) unless `user` has `perm`."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied(*([message] if message else []))


# --- Views of the NCP area ---


def editable_call(request, identifier: str) -> Call:
    """The call among those the user may edit: another programme's call answers 404, like
    a missing one, so that drafts of others are not revealed."""
    calls = Call.objects.editable_by(request.user).select_related("programme__fund")
    return get_object_or_404(calls, identifier=identifier)


def contact_point(request, slug: str) -> ContactPoint:
    """Any contact point: they are public, so another one answers 403, not 404."""
    return get_object_or_404(ContactPoint, slug=slug)


def object_permission_required(perm: str, lookup: Callable) -> Callable:
    """Sign-in, `lookup(request, **url_kwargs)`, then `perm` on the object it returns.

    The view is called as `view(request, obj)`.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(request, **kwargs):
            obj = lookup(request, **kwargs)
            require(request.user, perm, obj)
            return view(request, obj)

        return wrapper

    return decorator


call_permission_required = object_permission_required("calls.edit_call", editable_call)
contact_point_permission_required = object_permission_required(
    "programmes.edit_contact_point", contact_point
)


# --- The API ---


class SafeMethodsOnly(BasePermission):
    """The API's default: reads for all, no write unless the view states its rule.

    A method the view does not answer at all is let through, so that DRF says 405 as
    it did before this default (a POST to a read-only list)."""

    message = "This resource is read-only."

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or not hasattr(view, request.method.lower())


class CallWritePermission(BasePermission):
    """Reads are open to all. A write needs a key (else 401) with a user (else 403: a
    read-only key), who manages some programme (an NCP) or is a superuser; then the call
    itself must be theirs to edit (`calls.edit_call`), and a call's programme theirs to
    add calls to (`calls.add_call_to_programme`, asked by the view once the body names
    it, through `require`)."""

    message = "This key may not write calls."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        if request.auth is None:
            return False  # DRF answers 401: no key was sent
        if not request.auth.can_write:
            self.message = "This key is read-only: it belongs to no user."
            return False
        return request.user.has_perm("calls.manage_calls")

    def has_object_permission(self, request, view, call) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return request.user.has_perm("calls.edit_call", call)


class HoldsApiKey(BasePermission):
    """Any active key, read-only ones included (receiving webhooks is reading); the
    view's querysets start from the key, so each sees and changes only its own."""

    message = "Webhooks need an API key: Authorization: Bearer <key>."

    def has_permission(self, request, view) -> bool:
        return request.auth is not None
