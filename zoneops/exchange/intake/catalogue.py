"""Field catalogues: what a table of each kind can hold, and the names zones give its columns.

One mapping engine (``engine``) reads any sheet; a :class:`Catalogue` says which fields a kind of
table has (项目库 now), how each is read (``kind``: text, money, date, unit, person, choice, …) and the
column names that mean it. A domain app declares its catalogue and registers it with an importer
(``register``): the projects app does so in ``zoneops.projects.intake``.

Extension point: a table whose model does not exist yet (目标任务 targets, 招商线索 leads, 企业库
enterprises) has no catalogue. When its app and model land, declare ``Catalogue("leads", "招商线索",
fields=...)`` there, give it an importer (rows → that app's service, dry run and commit), and
``register`` it; the engine, templates, aliases, pages and the ``import`` command then serve it
without change.
"""

import re
from dataclasses import dataclass, field
from importlib import import_module

TEXT, MONEY, DATE, UNIT, PERSON, CHOICE, LEVELS, NUMBER, IGNORE = (
    "text", "money", "date", "unit", "person", "choice", "levels", "number", "ignore")


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: str = TEXT
    synonyms: tuple = ()
    required: bool = False
    choices: tuple = ()  # (value, label) for CHOICE

    def names(self):
        return (self.label, *self.synonyms)


@dataclass
class Catalogue:
    kind: str  # "projects"
    label: str  # "项目库"
    fields: tuple
    # What a section heading (一、续建项目（18个）) sets on the rows under it: (pattern, {field: value}).
    section_hints: tuple = ()
    importer: object = None  # the domain's importer (plan and commit through its services)
    permission: str = ""  # who may import this table, save its templates and aliases
    key_fields: tuple = field(default=())  # fields a row must have to count as a record (e.g. the name)

    def field(self, key):
        return next((f for f in self.fields if f.key == key), None)

    def choices(self):
        """(key, label) for the mapping form's select, “不导入” first."""
        return [("", "不导入")] + [(f.key, f.label) for f in self.fields]


_REGISTRY = {}
# Where each table's catalogue is declared (imported on first use): the project ledger and the
# 入库纳统 plan (projects.StatsInclusion). "targets", "leads", "enterprises": no model yet (see above).
MODULES = {"projects": "zoneops.projects.intake", "stats": "zoneops.projects.intake_stats"}


def register(catalogue):
    _REGISTRY[catalogue.kind] = catalogue
    return catalogue


def catalogue(kind):
    if kind not in _REGISTRY and kind in MODULES:
        import_module(MODULES[kind])
    if kind not in _REGISTRY:
        raise KeyError(f"没有“{kind}”表的字段目录")
    return _REGISTRY[kind]


def kinds():
    return sorted(MODULES)


def normalize_label(label):
    """A header as the matcher compares it: no spaces or line breaks, no unit in brackets, full-width
    brackets made half-width, “2026年/计划投资” and “本年度计划投资” as “本年计划投资”."""
    label = re.sub(r"\s+", "", str(label or ""))
    label = label.replace("（", "(").replace("）", ")")
    label = re.sub(r"\((亿元|万元|元|个|人|万人|亩|平方米|㎡)\)", "", label)
    label = re.sub(r"^(?:20\d{2}|本)年度?/", "本年", label)
    label = label.replace("本年度", "本年")
    return label


def signature_label(label):
    """A header with its figures blurred (1-10月 and 1-11月 alike), so next month's sheet matches."""
    return re.sub(r"\d+", "#", normalize_label(label))
