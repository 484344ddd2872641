"""Rule sets kept as data per unit and inherited down the unit tree: the nearest unit wins.

A rule model has a nullable foreign key to a unit (NULL = the platform default). Units carry a
materialized path of primary keys (``"1/4/9/"``), so the rules for a unit are those of the deepest
ancestor-or-self that has a row, else the default. Core knows units only by that path string.
"""

from django.db.models import Q


def ancestor_paths(path):
    """``"1/4/9/"`` → ``["1/", "1/4/", "1/4/9/"]`` (root first, the unit itself last)."""
    parts = [part for part in (path or "").split("/") if part]
    return ["".join(f"{part}/" for part in parts[:n]) for n in range(1, len(parts) + 1)]


class RuleBook:
    """Every rule row of one model, loaded once; answers "which rules govern this unit?" in memory.

    ``path_of(row)`` gives the row's unit path, or None for the default row.
    """

    def __init__(self, rows, *, path_of, default=None):
        self.by_path, self.default = {}, default
        for row in rows:
            path = path_of(row)
            if path:
                self.by_path[path] = row
            elif self.default is None:
                self.default = row

    def for_path(self, path):
        for candidate in reversed(ancestor_paths(path)):
            if candidate in self.by_path:
                return self.by_path[candidate]
        return self.default

    def partition(self, path_lookup):
        """``[(rules, Q)]``: for each rule row (and the default), the condition on ``path_lookup``
        (e.g. ``"responsible_unit__path"``) selecting the rows it governs. The conditions do not
        overlap and together cover everything, so a per-unit threshold stays one database query."""
        paths = sorted(self.by_path, key=len, reverse=True)
        parts = []
        for path in paths:
            deeper = [other for other in paths if other != path and other.startswith(path)]
            condition = Q(**{f"{path_lookup}__startswith": path})
            for other in deeper:
                condition &= ~Q(**{f"{path_lookup}__startswith": other})
            parts.append((self.by_path[path], condition))
        rest = Q()
        for path in paths:
            rest &= ~Q(**{f"{path_lookup}__startswith": path})
        parts.append((self.default, rest))
        return parts


def rule_book(queryset, *, unit_field="unit", default=None):
    """A :class:`RuleBook` over ``queryset`` (one query), rows keyed by ``<unit_field>.path``."""
    rows = list(queryset.select_related(unit_field))

    def path_of(row):
        unit = getattr(row, unit_field)
        return unit.path if unit is not None else None

    return RuleBook(rows, path_of=path_of, default=default)


def nearest_rules(queryset, path, *, unit_field="unit"):
    """The row governing the unit at ``path`` (one query): nearest ancestor-or-self, else the default."""
    candidates = queryset.filter(Q(**{f"{unit_field}__path__in": ancestor_paths(path)})
                                 | Q(**{f"{unit_field}__isnull": True}))
    return rule_book(candidates, unit_field=unit_field).for_path(path)
