"""The import direction holds everywhere: dashboards → domain apps → platform → org → audit → core.

Every module of the package is parsed (ast, imports inside functions included) and each import of a
``zoneops`` module is checked against the layer table below; docs/architecture.md (Layering) explains it.
A new app is a domain app unless it is placed here, so new modules are covered without being listed.
Tests and conftest are not checked: they set up people, units and projects from any app.
"""

import ast
from pathlib import Path

import pytest

import zoneops

ROOT = Path(zoneops.__file__).resolve().parent
LAYERS = ("core", "audit", "org", "platform", "domain", "dashboards", "wiring")  # bottom first
PLACED = {
    "zoneops.core": "core",
    "zoneops.audit": "audit",
    "zoneops.org": "org",
    # Platform: apps every domain app stands on (sign-in and tokens, Excel exchange, background jobs, API helpers).
    "zoneops.accounts": "platform",
    "zoneops.exchange": "platform",
    "zoneops.jobs": "platform",
    "zoneops.api": "platform",
    "zoneops.dashboards": "dashboards",
    # Wiring: what assembles every app (the API's routers, the demo zone, settings, root URLs, the CLI).
    "zoneops.api.urls": "wiring",
    "zoneops.demo": "wiring",
}
# A page (view, URL list, API router, form, admin, template tag, management command) of any app but core
# may also use the platform and org: every page checks permissions, and e.g. org's person page unlocks an
# account (accounts) and org's API uses the API helpers.
PAGE_PARTS = {"views", "urls", "api", "forms", "admin", "templatetags", "management"}
PAGE_PREFIXES = ("views_", "forms_")


def layer_of(module):
    """The layer of a dotted ``zoneops`` module name: the longest placed prefix, else domain app or wiring."""
    parts = module.split(".")
    for n in range(len(parts), 1, -1):
        if (prefix := ".".join(parts[:n])) in PLACED:
            return PLACED[prefix]
    if _top_level(parts):
        return "wiring"  # zoneops itself and its top-level modules: settings, urls, cli, wsgi
    return "domain"


def _top_level(parts):
    return len(parts) == 1 or (ROOT / f"{parts[1]}.py").exists()


def is_page(module):
    return any(part in PAGE_PARTS or part.startswith(PAGE_PREFIXES) for part in module.split(".")[2:])


def app_of(module):
    parts = module.split(".")
    return module if _top_level(parts) else ".".join(parts[:2])


def allowed_rank(module):
    rank = LAYERS.index(layer_of(module))
    if is_page(module) and layer_of(module) != "core":
        rank = max(rank, LAYERS.index("platform"))
    return rank


def imports(module, source, is_package=False):
    """(imported dotted name, line) for every import in ``source``; ``from a import b`` also yields ``a.b``."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base, node.lineno
            for alias in node.names:
                yield f"{base}.{alias.name}", node.lineno


def violations(module, source, is_package=False):
    """Why each import of ``module`` breaks the architecture (empty when it does not)."""
    found = {}  # one message per line and imported app
    own_app = app_of(module)
    for target, line in imports(module, source, is_package):
        if (line, app_of(target)) in found:
            continue
        if target == "bench" or target.startswith("bench."):
            found[line, "bench"] = f"{module}:{line} imports {target}: the benchmark is not part of the shipped package"
            continue
        if not target.startswith("zoneops.") or app_of(target) == own_app:
            continue
        if layer_of(module) == "core":
            found[line, app_of(target)] = (f"{module}:{line} imports {target}: "
                                           "core imports no other app (use core.hooks)")
        elif LAYERS.index(layer_of(target)) > allowed_rank(module):
            found[line, app_of(target)] = (f"{module}:{line} imports {target}: "
                                           f"{layer_of(module)} may not import {layer_of(target)}")
        elif layer_of(module) != "wiring" and any(
                part == "views" or part.startswith("views_") for part in target.split(".")[2:3]):
            found[line, app_of(target)] = (f"{module}:{line} imports {target}: call another app's services "
                                           "and selectors, never its views")
    return list(found.values())


def package_modules():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT.parent).with_suffix("").parts
        if "tests" in parts or parts[-1] == "conftest":
            continue
        is_package = parts[-1] == "__init__"
        yield ".".join(parts[:-1] if is_package else parts), path, is_package


def test_every_module_imports_along_the_layers():
    found = []
    checked = 0
    for module, path, is_package in package_modules():
        found += violations(module, path.read_text(encoding="utf-8"), is_package)
        checked += 1
    assert checked > 100  # the walk found the package
    assert not found, "\n".join(found)


def test_every_app_is_in_a_layer_the_docs_name():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert {"core", "audit", "org", "accounts", "projects", "dashboards"} <= apps
    assert layer_of("zoneops.projects.services") == "domain"
    assert layer_of("zoneops.problems.services") == "domain"  # a new module is a domain app by default


@pytest.mark.parametrize(("module", "source", "expected"), [
    ("zoneops.core.listing", "from zoneops.audit.services import audit_record", "core imports no other app"),
    ("zoneops.core.views", "def f():\n    from zoneops.org import scope", "core imports no other app"),
    ("zoneops.audit.services", "import zoneops.org.models", "audit may not import org"),
    ("zoneops.org.services", "from zoneops.projects.selectors import project_list", "org may not import domain"),
    ("zoneops.org.selectors", "from zoneops.accounts import services", "org may not import platform"),
    ("zoneops.projects.services", "from zoneops.dashboards import views", "domain may not import dashboards"),
    ("zoneops.projects.selectors", "from zoneops.api.urls import api", "domain may not import wiring"),
    ("zoneops.problems.services", "from zoneops.projects import views_reports", "never its views"),
    ("zoneops.problems.api", "from zoneops.projects.views import ledger", "never its views"),
    ("zoneops.audit.views", "from zoneops.projects import selectors", "audit may not import domain"),
    ("zoneops.projects.tasks", "from bench.data import seed_projects", "not part of the shipped package"),
    ("zoneops.core.workdays", "from ..org import models", "core imports no other app"),
])
def test_an_import_against_the_direction_is_reported(module, source, expected):
    assert expected in "\n".join(violations(module, source))


@pytest.mark.parametrize(("module", "source"), [
    ("zoneops.core.listing", "from zoneops.core import hooks\nfrom django.db import models"),
    ("zoneops.org.services", "from zoneops.audit.services import audit_record"),
    ("zoneops.projects.services", "from zoneops.org.scope import may_act_on\nfrom zoneops.exchange import xlsx"),
    ("zoneops.problems.services", "from zoneops.projects import selectors, services"),
    ("zoneops.dashboards.views", "from zoneops.projects.selectors import headline_figures"),
    ("zoneops.audit.views", "from zoneops.org.scope import has_permission"),  # pages stand on org
    ("zoneops.org.views", "from zoneops.accounts.services import account_unlock"),
    ("zoneops.org.api", "from zoneops.api.pagination import Id"),
    ("zoneops.urls", "from zoneops.projects import views"),
    ("zoneops.projects.urls", "from . import views, views_reports"),
])
def test_an_import_along_the_direction_passes(module, source):
    assert violations(module, source) == []
