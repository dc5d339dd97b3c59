"""Saving with the author recorded in the history (django-simple-history), as the
services of every app do."""


def save_validated(obj, user) -> None:
    """Validate `obj` (`full_clean`) and save it, with `user` as the author of the change."""
    obj.full_clean()
    obj._history_user = history_user(user)
    obj.save()


def history_user(user):
    """The author to record: None for no user (a management command) or an anonymous one."""
    return user if user is not None and getattr(user, "is_authenticated", False) else None
