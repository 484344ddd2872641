"""The milestone flag rule (红旗/黑旗), in one place for the battle map, the pages, the API and the
selectors: ``milestone_flag`` for rows in memory and ``black_flag_condition`` for the database."""

from django.db.models import F, Q

from zoneops.projects.choices import Flag


def milestone_flag(milestone, today):
    """红旗 when done by its BASELINE date (the first plan; re-planning never moves it); 黑旗 when done
    after it, or not done and past it; else 未到期.

    A milestone due today and not yet done is still on time: it turns black tomorrow.
    """
    baseline, actual = milestone.baseline_date, milestone.actual_date
    if actual is not None:
        return Flag.RED if actual <= baseline else Flag.BLACK
    return Flag.BLACK if baseline < today else Flag.PENDING


def black_flag_condition(today, prefix=""):
    """``milestone_flag(...) == Flag.BLACK`` as a Q, e.g. ``prefix="milestones__"`` from Project."""
    return Q(**{f"{prefix}actual_date__isnull": True, f"{prefix}baseline_date__lt": today}) | Q(
        **{f"{prefix}actual_date__gt": F(f"{prefix}baseline_date")})
