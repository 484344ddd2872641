from django.core.management.base import BaseCommand, CommandError

from zoneops.accounts.services import token_create
from zoneops.audit.context import Actor
from zoneops.org.models import Person


class Command(BaseCommand):
    help = "API tokens: `token create USERNAME` prints a token for `Authorization: Bearer <token>`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="verb", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--name", default="命令行创建")

    def handle(self, *args, verb, username, name, **options):
        person = Person.objects.filter(username=username, is_active=True).first()
        if person is None:
            raise CommandError(f"找不到启用的用户：{username}")
        _token, raw = token_create(actor=Actor.system(), person=person, name=name)
        self.stdout.write(raw)
