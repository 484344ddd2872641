"""Searchable pickers' choices (the endpoints are in ``views/pickers.py``): units, people and industries
matching what the user typed.

Each answers ``{"results": [{"value", "text"}]}`` (at most ``LIMIT`` rows) for ``?q=``: a name
fragment, a code (单位代码, 登录名, GB/T 4754 代码 such as ``C36`` or ``361``) or pinyin initials
(``xsz`` finds 辛市镇). Units and people come through ``restrict()`` like every other list, so a picker
offers nothing its page could not show; people pickers never offer administrator accounts (people
holding a 系统/安全/审计管理员 grant): they are not business people to lead or watch a project.
"""

from functools import lru_cache

from django.db.models import Q
from pypinyin import Style, lazy_pinyin

from zoneops.core.models import IndustryCode
from zoneops.org.models import Person, Unit
from zoneops.org.permissions import Duty
from zoneops.projects import selectors

LIMIT = 30
UNIT_ACTIONS = ("project.view", "project.edit")  # the ledger filter's and the project form's scope
MAX_QUERY = 50


@lru_cache(maxsize=20_000)
def initials(text):
    """'辛市镇' → 'xsz' (letters and digits kept as they are, lower case)."""
    return "".join(part[:1] for part in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")).lower()


def _by_text_or_initials(queryset, q, text_filter, name_field="name"):
    """Rows matching ``text_filter``, plus (for a query of Latin letters) rows whose name's pinyin
    initials start with it; the initials are computed over the scoped rows' names only."""
    if not q:
        return queryset
    matches = queryset.filter(text_filter)
    if q.isascii() and q.isalpha():
        q = q.lower()
        by_initials = [pk for pk, name in queryset.values_list("pk", name_field) if initials(name).startswith(q)]
        return queryset.filter(Q(pk__in=by_initials) | Q(pk__in=matches.values("pk")))
    return matches


def unit_choices(*, user, q="", action="project.view"):
    units = Unit.objects.restrict(user, action).filter(is_active=True).select_related("parent")
    units = _by_text_or_initials(units, q, Q(name__contains=q) | Q(short_name__contains=q) | Q(code__icontains=q))
    return units.order_by("path")


def business_people(queryset):
    """People without an administrator grant (the admin duties of org.services.admin_duties)."""
    admins = Person.objects.unscoped().filter(grants__role__duty__in=[d for d in Duty.values if d != Duty.BUSINESS])
    return queryset.exclude(pk__in=admins.values("pk"))  # unscoped: only narrows an already scoped queryset


def person_choices(*, user, q="", led=False):
    """People in the user's ``person.view`` scope, or (``led``) the leaders of the user's visible projects
    (the ledger's 包联领导 filter), never administrators."""
    if led:
        people = selectors.project_leaders(user=user)
    else:
        people = Person.objects.restrict(user, "person.view").filter(is_active=True)
    people = business_people(people.select_related("unit"))
    people = _by_text_or_initials(people, q, Q(name__contains=q) | Q(username__icontains=q) | Q(phone=q))
    return people.order_by("name", "pk")


def industry_choices(*, q="", level=""):
    codes = IndustryCode.objects.all()
    if level in IndustryCode.Level.values:
        codes = codes.filter(level=level)
    if q:
        code = q.upper()
        if len(code) > 1 and code[0].isalpha() and code[1:].isdigit():
            code = code[1:]  # "C36": GB/T 4754 writes the division with its section letter
        codes = codes.filter(Q(code__startswith=code) | Q(name__contains=q) | Q(parent_id=code)
                             | Q(parent__parent_id=code) | Q(parent__parent__parent_id=code))
    return codes.order_by("code")


def industry_label(code):
    return f"{code.code} {code.name}"
