"""The problem fixtures (people, a problem, a frozen day) serve the workbench tests too."""

from zoneops.problems.tests.conftest import fixed_today, people, problem  # noqa: F401
