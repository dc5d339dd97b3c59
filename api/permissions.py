"""Who may write through the API: the rules of calls/rules.py, asked for the key's user.

Reads are open to all. A write needs a key (else 401) with a user (else 403: a
read-only key), who manages some programme (an NCP) or is a superuser; then the call
itself must be theirs to edit (`calls.edit_call`), and a call's programme theirs
to add calls to (checked in the view once the body names it).
"""

from rest_framework.permissions import SAFE_METHODS, BasePermission


class CallWritePermission(BasePermission):
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
