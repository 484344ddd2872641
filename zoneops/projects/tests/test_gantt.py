"""Battle map geometry and the flag rule (红旗/黑旗)."""

from datetime import date, datetime
from types import SimpleNamespace

import pytest
import time_machine

from zoneops.audit.context import Actor
from zoneops.projects import flags, gantt, services
from zoneops.projects.choices import Flag, Light, Stage
from zoneops.projects.flags import milestone_flag
from zoneops.projects.gantt import Window, build_chart, choose_window
from zoneops.projects.models import Milestone
from zoneops.projects.selectors import LightVerdict
from zoneops.projects.tests.factories import ProjectFactory

TODAY = date(2026, 5, 15)


def milestone(planned, actual=None, name="开工", baseline=None):
    return SimpleNamespace(name=name, planned_date=planned, actual_date=actual, baseline_date=baseline or planned)


class FakeMilestones(list):
    def all(self):
        return self


def project(pk=1, start=date(2026, 3, 1), end=date(2026, 12, 31), milestones=(), unit_id=1, unit="甲镇",
            light=Light.GREEN, reasons=()):
    unit_row = SimpleNamespace(pk=unit_id, name=unit)
    return SimpleNamespace(
        pk=pk, name=f"项目{pk}", planned_start=start, planned_completion=end, milestones=FakeMilestones(milestones),
        responsible_unit=unit_row, responsible_unit_id=unit_id, leader_id=None, leader=None,
        verdict=LightVerdict(light, reasons), get_stage_display=lambda: Stage.BUILDING.label,
        get_absolute_url=lambda: f"/projects/{pk}/",
    )


# --- The flag rule --------------------------------------------------------------------------

@pytest.mark.parametrize(("planned", "actual", "flag"), [
    (date(2026, 5, 10), date(2026, 5, 10), Flag.RED),  # done on the day
    (date(2026, 5, 10), date(2026, 5, 1), Flag.RED),  # done early
    (date(2026, 6, 30), date(2026, 5, 1), Flag.RED),  # done early, before it was even due
    (date(2026, 5, 10), date(2026, 5, 11), Flag.BLACK),  # done one day late
    (date(2026, 5, 14), None, Flag.BLACK),  # overdue since yesterday
    (date(2026, 5, 15), None, Flag.PENDING),  # due today: not late yet
    (date(2026, 7, 1), None, Flag.PENDING),  # not yet due
])
def test_milestone_flag(planned, actual, flag):
    assert milestone_flag(milestone(planned, actual), TODAY) == flag


@pytest.mark.django_db
def test_database_condition_agrees_with_the_flag_rule(tree):
    with time_machine.travel(datetime(2026, 5, 15, 10, 0), tick=False):
        row = ProjectFactory(responsible_unit=tree.town_a)
        cases = [(date(2026, 5, 10), date(2026, 5, 10)), (date(2026, 5, 10), date(2026, 5, 11)),
                 (date(2026, 5, 14), None), (date(2026, 5, 15), None), (date(2026, 7, 1), None),
                 (date(2026, 6, 30), date(2026, 5, 1))]
        for seq, (planned, actual) in enumerate(cases, start=1):
            added = services.milestone_add(actor=Actor.system(), project=row, name=f"节点{seq}", planned_date=planned)
            if actual:
                services.milestone_update(actor=Actor.system(), milestone=added, actual_date=actual)
    black_in_db = set(Milestone.objects.filter(flags.black_flag_condition(TODAY)).values_list("pk", flat=True))
    black_in_python = {m.pk for m in Milestone.objects.all() if milestone_flag(m, TODAY) == Flag.BLACK}
    assert black_in_db == black_in_python and len(black_in_db) == 2


# --- The window -----------------------------------------------------------------------------

def test_default_window_covers_the_rows_clipped_to_this_year_and_a_quarter_either_side():
    rows = [project(start=date(2020, 1, 1), end=date(2030, 1, 1))]
    window = choose_window(rows, TODAY)
    assert (window.start, window.end) == (date(2025, 10, 1), date(2027, 3, 31))


def test_default_window_shrinks_to_the_data_but_keeps_today_and_six_months():
    rows = [project(start=date(2026, 7, 10), end=date(2026, 8, 20))]
    window = choose_window(rows, TODAY)
    assert window.start == date(2026, 5, 1)  # today's month
    assert window.end == date(2026, 10, 31)  # six months at least


def test_window_includes_milestone_dates():
    rows = [project(start=date(2026, 3, 1), end=date(2026, 12, 31),
                    milestones=[milestone(date(2026, 1, 20), date(2026, 1, 18), name="签约")])]
    assert choose_window(rows, TODAY).start == date(2026, 1, 1)


def test_explicit_window_is_taken_as_given():
    window = choose_window([], TODAY, start=date(2027, 1, 1), end=date(2027, 3, 1))
    assert (window.start, window.end) == (date(2027, 1, 1), date(2027, 3, 31))
    assert choose_window([], TODAY, start=date(2027, 1, 1)).end == date(2027, 12, 31)
    assert choose_window([], TODAY, end=date(2027, 3, 1)).start == date(2026, 4, 1)


def test_window_maps_days_linearly_onto_the_timeline():
    window = Window(date(2026, 1, 1), date(2026, 12, 31))
    assert window.x(date(2026, 1, 1)) == gantt.TIMELINE_X
    assert window.x(date(2027, 1, 1)) == pytest.approx(gantt.TIMELINE_X + gantt.TIMELINE_WIDTH, abs=0.01)
    assert window.x(date(2026, 7, 2)) == pytest.approx(gantt.TIMELINE_X + gantt.TIMELINE_WIDTH * 182 / 365, abs=0.01)


# --- The chart ------------------------------------------------------------------------------

def test_chart_geometry():
    rows = [project(milestones=[
        milestone(date(2026, 3, 1), date(2026, 3, 1), name="开工"),
        milestone(date(2026, 4, 1), date(2026, 4, 20), name="主体封顶"),
        milestone(date(2026, 5, 1), None, name="设备安装"),
        milestone(date(2026, 9, 1), None, name="竣工验收"),
        milestone(date(2028, 1, 1), None, name="投产"),  # outside the window
    ])]
    chart = build_chart(rows, TODAY, start=date(2026, 1, 1), end=date(2026, 12, 1))
    window = chart.window
    assert [m.label for m in chart.months] == [f"{n}月" for n in range(1, 13)]
    assert [y.label for y in chart.years] == ["2026年"]
    assert chart.months[0].x == gantt.TIMELINE_X
    assert chart.months[-1].x + chart.months[-1].width == pytest.approx(chart.timeline_end, abs=0.01)
    day = gantt.TIMELINE_WIDTH / window.days
    assert chart.today_x == pytest.approx(window.x(TODAY) + day / 2, abs=0.01)

    row = chart.sheets[0].rows[0]
    x, width, open_left, open_right = row.bar
    assert x == pytest.approx(window.x(date(2026, 3, 1)), abs=0.01)
    assert x + width == pytest.approx(window.x(date(2027, 1, 1)), abs=0.01)
    assert not open_left and not open_right
    assert [m.flag for m in row.markers] == [Flag.RED, Flag.BLACK, Flag.BLACK, Flag.PENDING]
    assert row.markers[0].x == pytest.approx(window.x(date(2026, 3, 1)) + day / 2, abs=0.01)
    assert "主体封顶（黑旗）" in row.markers[1].title and "完成 2026年4月20日" in row.markers[1].title
    assert (chart.red, chart.black, chart.pending, chart.outside) == (1, 2, 2, 1)
    assert row.y == gantt.HEADER and chart.sheets[0].height == gantt.HEADER + gantt.ROW + 1


def test_bar_is_clipped_and_marked_open_at_the_window_edges():
    chart = build_chart([project(start=date(2025, 6, 1), end=date(2028, 1, 1))], TODAY,
                        start=date(2026, 1, 1), end=date(2026, 12, 1))
    x, width, open_left, open_right = chart.sheets[0].rows[0].bar
    assert (x, x + width) == (pytest.approx(gantt.TIMELINE_X, abs=0.01), pytest.approx(chart.timeline_end, abs=0.01))
    assert open_left and open_right


def test_no_bar_without_planned_dates_or_outside_the_window():
    chart = build_chart([project(start=None), project(pk=2, start=date(2020, 1, 1), end=date(2020, 5, 1))], TODAY,
                        start=date(2026, 1, 1), end=date(2026, 12, 1))
    assert [row.bar for row in chart.sheets[0].rows] == [None, None]


def test_labels_that_would_collide_are_dropped_but_titles_stay():
    close = [milestone(date(2026, 6, 1), name="规划许可"), milestone(date(2026, 6, 3), name="施工许可"),
             milestone(date(2026, 9, 1), name="竣工验收")]
    chart = build_chart([project(milestones=close)], TODAY, start=date(2026, 1, 1), end=date(2026, 12, 1))
    row = chart.sheets[0].rows[0]
    assert [m.label for m in row.markers] == ["规划许可", "", "竣工验收"]
    assert "施工许可" in row.markers[1].title


def test_labels_stay_inside_the_timeline():
    edge = [milestone(date(2026, 1, 1), name="主体封顶"), milestone(date(2026, 12, 31), name="竣工验收")]
    chart = build_chart([project(milestones=edge)], TODAY, start=date(2026, 1, 1), end=date(2026, 12, 1))
    first, last = chart.sheets[0].rows[0].markers
    half = gantt.text_width("主体封顶", gantt.LABEL_FONT) / 2
    assert first.label_x - half >= gantt.TIMELINE_X and last.label_x + half <= chart.timeline_end
    assert first.x < first.label_x and last.label_x < last.x


def test_rows_are_split_into_sheets_with_the_unit_named_once_per_group_and_sheet():
    rows = [project(pk=n, unit_id=1 if n <= 3 else 2, unit="甲镇" if n <= 3 else "乙镇") for n in range(1, 6)]
    chart = build_chart(rows, TODAY, sheet_rows=(2, 2))
    assert [[r.index for r in sheet.rows] for sheet in chart.sheets] == [[1, 2], [3, 4], [5]]
    assert [[r.unit for r in sheet.rows] for sheet in chart.sheets] == [["甲镇", ""], ["甲镇", "乙镇"], ["乙镇"]]
    assert [r.group_start for r in chart.sheets[1].rows] == [False, True]
    assert [sheet.rows[0].y for sheet in chart.sheets] == [gantt.HEADER] * 3
    assert chart.sheets[0].first and not chart.sheets[1].first


def test_lights_are_counted_and_explained():
    rows = [project(pk=1, light=Light.RED, reasons=("逾期节点2个", "缺报2期")), project(pk=2)]
    chart = build_chart(rows, TODAY)
    assert [(label, count) for label, count, _ in chart.lights] == [("绿灯", 1), ("黄灯", 0), ("红灯", 1)]
    assert chart.sheets[0].rows[0].light_title == "红灯；逾期节点2个；缺报2期"


def test_empty_chart_still_has_an_axis_and_one_sheet():
    chart = build_chart([], TODAY)
    assert chart.months and len(chart.sheets) == 1 and chart.sheets[0].rows == [] and chart.sheets[0].first


def test_the_first_sheet_leaves_room_for_the_title():
    chart = build_chart([project(pk=n) for n in range(1, 301)], TODAY)
    assert [len(sheet.rows) for sheet in chart.sheets] == [28] + [31] * 8 + [24]


def test_long_names_are_cut_to_the_column():
    assert gantt.fit("短名", 100) == "短名"
    cut = gantt.fit("渭南经开区年产十万吨高性能新材料及配套产业链延伸一体化建设项目（一期）", 200)
    assert cut.endswith("…") and gantt.text_width(cut) <= 200
