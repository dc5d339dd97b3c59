"""python manage.py issue_api_key --name NAME [--user USERNAME]

Prints what the key is for, then the key alone on the last line (for scripts:
`| tail -n 1`). The key is not stored and cannot be shown again.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.models import ApiKey


class Command(BaseCommand):
    help = "Issue an API key; it is printed once, alone on the last line."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="Who uses the key, for what.")
        parser.add_argument(
            "--user", help="Username the key acts for (an NCP to write calls); none: read-only."
        )

    def handle(self, *args, name: str, user: str | None, **options):
        owner = None
        if user:
            try:
                owner = get_user_model().objects.get_by_natural_key(user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user {user!r}.") from None
        api_key, secret = ApiKey.issue(name=name, user=owner)
        acts_as = f"acts as {owner.get_username()}" if owner else "read-only"
        self.stdout.write(f"Key {api_key.prefix}… for {name!r} ({acts_as}). Shown once:")
        self.stdout.write(secret)
