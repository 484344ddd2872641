import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from zoneops.audit.context import Actor
from zoneops.org.models import Role, Scope, Unit
from zoneops.org.services import grant_create, person_create


class Command(BaseCommand):
    help = "Create a person who can sign in, with one role grant. The password is read from stdin."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--unit", required=True, help="unit code")
        parser.add_argument("--role", required=True, help="role code, e.g. system_admin, leader")
        parser.add_argument("--scope", default=Scope.UNIT_TREE, choices=Scope.values)
        parser.add_argument("--name", default="")
        parser.add_argument("--password-stdin", action="store_true", required=True)

    def handle(self, *args, username, unit, role, scope, name, **options):
        password = sys.stdin.readline().rstrip("\n")
        unit_row = Unit.objects.filter(code=unit).first()
        role_row = Role.objects.filter(code=role).first()
        if unit_row is None:
            raise CommandError(f"找不到单位代码：{unit}")
        if role_row is None:
            known = ", ".join(Role.objects.values_list("code", flat=True))
            raise CommandError(f"找不到角色代码：{role}（可用：{known}）")
        actor = Actor.system()
        try:
            with transaction.atomic():
                person = person_create(actor=actor, username=username, name=name or username, unit=unit_row,
                                       password=password)
                grant_create(actor=actor, person=person, role=role_row, scope=scope)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        grant_text = f"{role_row.name}/{Scope(scope).label}"
        self.stdout.write(f"已创建 {username}（{unit_row.name}，{grant_text}），首次登录须修改密码。")
