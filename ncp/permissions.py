"""Access to the NCP area: signed in first, then the permissions of calls/rules.py.

Views never test ownership themselves (STYLE.md, pitfall 2): they are wrapped in
`object_permission_required`, which finds the object in what the user may see (a 404
otherwise) and asks `user.has_perm(perm, obj)` (a 403 otherwise).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from calls.models import Call
from programmes.models import ContactPoint


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
            if not request.user.has_perm(perm, obj):
                raise PermissionDenied
            return view(request, obj)

        return wrapper

    return decorator


call_permission_required = object_permission_required("calls.edit_call", editable_call)
contact_point_permission_required = object_permission_required(
    "programmes.edit_contact_point", contact_point
)
