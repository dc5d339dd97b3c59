"""Saving with the author recorded in the history (django-simple-history), as the
services of every app do."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction


def save_validated(obj, user) -> None:
    """Validate `obj` (`full_clean`) and save it, with `user` as the author of the change.

    A concurrent save can take a unique value between the check and the INSERT: the
    database refuses it, and the same ValidationError as `full_clean`'s is raised (the
    check run again sees the other row), not an IntegrityError. A savepoint keeps the
    caller's transaction usable. Other integrity errors pass through.
    """
    obj.full_clean()
    obj._history_user = history_user(user)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        obj.validate_unique()
        obj.validate_constraints()
        raise


def history_user(user):
    """The author to record: None for no user (a management command) or an anonymous one."""
    return user if user is not None and getattr(user, "is_authenticated", False) else None


class ReadOnlyHistoryAdmin:
    """A ModelAdmin mixin: the history pages show, never write. A POST to the history
    page or to an old version's page (django-simple-history's "Revert") is refused with
    403 and changes nothing: a revert would write an old version back past the services'
    checks and records (docs/architecture.md, "One door"). Put it before the admin class."""

    def history_view(self, request, object_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None) -> bool:
        return True
