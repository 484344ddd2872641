"""The one list-page pattern: filter, sort, paginate and export a scoped queryset.

A list view builds a :class:`Table` (columns with labels, values and sort keys) and calls
:func:`list_response` with an already scoped queryset. The same template renders the full page
and, for htmx requests, only its ``results`` partial.
"""

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from zoneops.core import hooks
from zoneops.core.export import xlsx_response

PAGE_SIZE = 20
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Column:
    label: str
    value: str  # attribute path on the row, e.g. "unit.name" or "get_kind_display"
    sort: str = ""  # ORM ordering key; empty means not sortable
    css: str = ""  # classes for the cells, e.g. "text-end" for figures, "zo-col-name" for long names

    def read(self, obj):
        """The value at the attribute path; None when a relation on the way is empty."""
        value = obj
        for name in self.value.split("."):
            value = getattr(value, name, None)
            if value is None:
                return None
        return value() if callable(value) else value


@dataclass
class Table:
    columns: list[Column]
    default_sort: str
    sortable: dict = field(init=False)

    def __post_init__(self):
        self.sortable = {column.sort: column for column in self.columns if column.sort}

    def order(self, queryset, requested):
        key = (requested or "").lstrip("-")
        if key in self.sortable:
            return queryset.order_by(requested, "pk"), requested
        return queryset.order_by(self.default_sort, "pk"), self.default_sort

    def row_values(self, obj):
        return [column.read(obj) for column in self.columns]


def list_response(request, *, queryset, table, title, template="core/list.html", filter_form=None,
                  export_name="", context=None, prepare=None):
    """Render a list page, its htmx fragment, or (``?export=xlsx``) an Excel export of all rows.

    ``prepare`` receives the objects of the current page (a list) to attach derived values, e.g.
    status lights, before the columns are read.
    """
    queryset, sort = table.order(queryset, request.GET.get("sort"))
    if export_name and request.GET.get("export") == "xlsx":
        return _export(request, queryset, table, title, export_name)
    try:
        size = min(max(int(request.GET.get("size", PAGE_SIZE)), 1), MAX_PAGE_SIZE)
    except ValueError:
        size = PAGE_SIZE
    page = Paginator(queryset, size).get_page(request.GET.get("page"))
    objects = list(page.object_list)
    if prepare:
        prepare(objects)
    params = request.GET.copy()
    params.pop("page", None)
    ctx = {
        "title": title,
        "table": table,
        "page": page,
        "rows": [(obj, list(zip(table.columns, table.row_values(obj), strict=True))) for obj in objects],
        "sort": sort,
        "filter_form": filter_form,
        "query": params.urlencode(),
        "export_name": export_name,
        **(context or {}),
    }
    if request.htmx and request.htmx.target == "list-results":
        template = "core/list.html#results"  # every list page extends it; the partial lives there
    return render(request, template, ctx)


def _export(request, queryset, table, title, export_name):
    count = queryset.count()
    hooks.audit_record(hooks.actor_from_request(request), "export", (queryset.model._meta.label_lower, "", title),
                 detail=f"导出{count}行：{request.GET.urlencode()}"[:500])
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    rows = (_excel_values(table.row_values(obj)) for obj in queryset.iterator(chunk_size=2000))
    return xlsx_response(filename=f"{export_name}-{stamp}.xlsx", title=title,
                         header_rows=[[column.label for column in table.columns]], rows=rows)


def _excel_values(values):
    return [value if isinstance(value, int | float | str) or value is None else str(value) for value in values]
