import secrets
import string

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from zoneops.accounts.models import LoginThrottle
from zoneops.audit.context import Actor
from zoneops.org.models import Person
from zoneops.org.services import person_set_password

ALPHABET = string.ascii_letters + string.digits + "-_.@#%"


def _one_time_password(person):
    while True:
        candidate = "".join(secrets.choice(ALPHABET) for _ in range(16))
        try:
            validate_password(candidate, user=person)
        except ValidationError:
            continue
        return candidate


class Command(BaseCommand):
    help = ("Accounts at the console: `password reset USERNAME` sets a one-time password (printed once), "
            "forces a change at the next sign-in, ends the account's API tokens and lock; audited as 系统. "
            "This is how an administrator account is recovered: no administrator can reset another's.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        reset = sub.add_parser("reset")
        reset.add_argument("username")

    def handle(self, *args, verb, username, **options):
        person = Person.objects.filter(username=username).first()
        if person is None:
            raise CommandError(f"找不到用户：{username}")
        password = _one_time_password(person)
        person_set_password(actor=Actor(person=None, label="系统（控制台 zoneops password reset）"),
                            person=person, password=password, must_change=True)
        LoginThrottle.objects.filter(kind=LoginThrottle.Kind.ACCOUNT, key=person.username.lower()).delete()
        self.stdout.write(f"已重置 {person.username}（{person.name}）的密码，下次登录须修改。一次性密码：")
        self.stdout.write(password)
