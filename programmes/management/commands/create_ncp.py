"""`create_ncp`: give a person an account as national contact point (NCP) of a programme."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from programmes.services import ncp_grant


class Command(BaseCommand):
    help = (
        "Create a national contact point's account, or add a programme to an existing one: "
        "the user joins the programme's national contact point and can then edit its calls. "
        "Never makes staff. Safe to run again. An existing user's password is not changed "
        "(use changepassword)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True, help="Username to sign in with.")
        parser.add_argument(
            "--password",
            help="Password of a new user (checked by the password validators). Ignored, "
            "with a notice, for an existing user.",
        )
        parser.add_argument(
            "--programme", required=True, metavar="SLUG", help="Slug of the programme."
        )
        parser.add_argument("--email", default="", help="E-mail address of a new user.")
        parser.add_argument(
            "--contact-point",
            metavar="SLUG",
            help="Slug of the contact point to join; needed when the programme has several "
            "national contact points.",
        )

    def handle(self, *args, username, password, programme, email, contact_point, **options):
        existed = get_user_model()._default_manager.filter(username=username).exists()
        try:
            user, joined, created = ncp_grant(
                username=username,
                password=password,
                programme_slug=programme,
                email=email,
                contact_point_slug=contact_point,
            )
        except ValidationError as error:
            problems = "\n".join(f"  - {message}" for message in error.messages)
            raise CommandError(f"Nothing was changed:\n{problems}") from error

        where = f'contact point "{joined.slug}" ({joined}) of programme "{programme}"'
        if not existed:
            self.stdout.write(
                self.style.SUCCESS(f'Created user "{username}" (not staff), a member of {where}.')
            )
        elif created:
            self.stdout.write(self.style.SUCCESS(f'User "{username}" now also belongs to {where}.'))
        else:
            self.stdout.write(f'User "{username}" already belongs to {where}; nothing changed.')

        if existed and password:
            self.stdout.write(
                self.style.WARNING(
                    f'"{username}" already existed: the password was left unchanged. '
                    f"To change it: python manage.py changepassword {username}"
                )
            )
        if existed and email and email != user.email:
            self.stdout.write(
                self.style.WARNING(
                    f'"{username}" already existed: the e-mail address was left as '
                    f'"{user.email}". Change it in the admin if needed.'
                )
            )
        if not user.is_active:
            self.stdout.write(
                self.style.WARNING(f'"{username}" is inactive and cannot sign in until activated.')
            )
