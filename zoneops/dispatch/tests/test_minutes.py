"""会议纪要: the .docx and the .pdf carry the whole meeting (attendance, agenda by kind, the decisions table)
in the 公文 layout; user text stays text; holding a meeting has the worker write both files."""

import io
import re
from datetime import date, datetime

import pytest
import time_machine
from django.core.management import call_command
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from pypdf import PdfReader

from zoneops.audit.context import Actor
from zoneops.dispatch import minutes, services
from zoneops.dispatch.choices import AgendaKind, DecisionKind, MeetingKind, MeetingStatus
from zoneops.dispatch.models import Meeting
from zoneops.jobs.models import Job
from zoneops.org.models import Scope
from zoneops.org.tests.factories import PersonFactory, grant
from zoneops.problems import services as problem_services
from zoneops.problems.choices import Status as ProblemStatus
from zoneops.problems.tests.factories import ProblemFactory
from zoneops.projects import services as project_services
from zoneops.projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

MEETING_DAY = date(2026, 11, 23)
SCRIPT = "<script>alert('纪要')</script>协调用地指标"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def office(tree):
    person = PersonFactory(unit=tree.zone, name="项目办主任")
    grant(person, "projects", scope=Scope.UNIT_TREE)
    return person


@pytest.fixture
def dataset(tree, office):
    """A project with a black flag (a milestone planned for October, not done) and a problem overdue since
    mid-November, both raised before the meeting day."""
    system = Actor.system()
    with time_machine.travel(datetime(2026, 11, 2, 10, 0), tick=False):
        project = ProjectFactory(responsible_unit=tree.town_a, name="甲镇新材料产业园")
        project_services.milestone_add(actor=system, project=project, name="主体封顶", planned_date=date(2026, 10, 15))
        problem = ProblemFactory(raising_unit=tree.town_a, responsible_unit=tree.bureau, title="产业园用地指标未落实")
        problem = problem_services.problem_transition(actor=system, problem=problem, to_status=ProblemStatus.ASSIGNED)
    with time_machine.travel(datetime(2026, 11, 23, 9, 0), tick=False):
        yield type("Dataset", (), {"project": project, "problem": problem})


def _actor(person):
    return Actor(person=person, ip="127.0.0.1")


@pytest.fixture
def meeting(tree, office, dataset):
    """The 周调度 of 2026-11-23 as the project office runs it: agenda built, one item added by hand,
    attendance with an absent unit, three decisions (two tasks, one problem opinion)."""
    actor = _actor(office)
    leader = PersonFactory(unit=tree.zone, name="王主任")
    meeting = services.meeting_create(actor=actor, kind=MeetingKind.WEEKLY, title="经开区第47周项目建设调度会",
                                      unit=tree.zone, held_on=MEETING_DAY, place="管委会三楼会议室", chair=leader)
    services.agenda_add(actor=actor, meeting=meeting, title="冬季施工安全", detail="各镇排查在建工地",
                        unit=tree.town_b)
    head = PersonFactory(unit=tree.town_a, name="李镇长")
    services.attendance_save(actor=actor, meeting=meeting, rows=[
        {"unit": tree.town_a, "person": head, "present": True},
        {"unit": tree.bureau, "present": True, "note": "副局长代会"},
        {"unit": tree.town_b, "present": False, "note": "请假：外出招商"},
    ])
    items = {item.kind: item for item in meeting.agenda.all()}
    services.decision_record(actor=actor, meeting=meeting, text="12月10日前完成主体封顶", owner_unit=tree.town_a,
                             due_date=date(2026, 12, 10), agenda_item=items[AgendaKind.BLACK_FLAG])
    services.decision_record(actor=actor, meeting=meeting, text=SCRIPT, owner_unit=tree.bureau,
                             due_date=date(2026, 12, 31))
    services.decision_record(actor=actor, meeting=meeting, text="招商局本周内报送用地方案",
                             kind=DecisionKind.PROBLEM, agenda_item=items[AgendaKind.PROBLEM_OVERDUE])
    return meeting


def _fresh(meeting):
    return Meeting.objects.unscoped().get(pk=meeting.pk)


def _flat(text):
    return re.sub(r"\s+", "", text)


def test_the_record_groups_the_agenda_by_kind_and_numbers_the_decisions(meeting, django_assert_num_queries):
    fresh = _fresh(meeting)
    with django_assert_num_queries(5):  # attendees, agenda, decisions, the unit, the chair: not one per row
        record = minutes.minutes_record(fresh)
    assert (record.header, record.title, record.date, record.weekday) == (
        "经开区调度会议纪要", "经开区第47周项目建设调度会", "2026年11月23日", "星期一")
    assert record.opening == "2026年11月23日，王主任在管委会三楼会议室主持召开经开区第47周项目建设调度会（周调度）。"
    assert [(g.numeral, g.label, [i.title for i in g.items]) for g in record.agenda] == [
        ("一", "黑旗项目", ["甲镇新材料产业园"]),
        ("二", "超期问题", ["产业园用地指标未落实"]),
        ("三", "其他议题", ["冬季施工安全"]),
    ]
    assert record.agenda[0].items[0].tail == "：黑旗1个（甲镇）。"
    assert [a.text for a in record.present] == ["招商局（副局长代会）", "甲镇（李镇长）"]
    assert [a.text for a in record.absent] == ["乙镇（请假：外出招商）"]
    assert [(d.seq, d.text, d.owner, d.due) for d in record.decisions] == [
        (1, "12月10日前完成主体封顶", "甲镇", "2026年12月10日"),
        (2, SCRIPT, "招商局", "2026年12月31日"),
        (3, "招商局本周内报送用地方案", "招商局", "—"),
    ]


def test_chinese_numerals_of_headings():
    assert [minutes.cn_numeral(n) for n in (1, 9, 10, 11, 20, 23, 99)] == [
        "一", "九", "十", "十一", "二十", "二十三", "九十九"]


def _docx(meeting):
    return Document(io.BytesIO(minutes.minutes_docx(_fresh(meeting))))


def _east_asia(run):
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def test_docx_is_a_gbt9704_document_with_the_decisions_table(meeting):
    document = _docx(meeting)
    section = document.sections[0]
    lengths = (section.page_width, section.page_height, section.top_margin, section.bottom_margin,
               section.left_margin, section.right_margin)
    assert [round(length.mm, 1) for length in lengths] == [210, 297, 37, 35, 28, 26]  # stored in twips

    paragraphs = document.paragraphs
    header, issuer, title = paragraphs[0], paragraphs[1], paragraphs[2]
    assert header.text == "经开区调度会议纪要"
    assert {(run.font.color.rgb, _east_asia(run)) for run in header.runs} == {(RGBColor(0xFF, 0, 0), "方正小标宋简体")}
    rule = issuer._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "FF0000" and rule.get(qn("w:val")) == "single"
    assert title.text == "经开区第47周项目建设调度会"
    assert title.runs[0].font.size == Pt(22) and _east_asia(title.runs[0]) == "方正小标宋简体"

    texts = [p.text for p in paragraphs]
    headings = [t for t in texts if re.match("^[一二三四]、", t)]
    assert headings == ["一、会议概况", "二、出席情况", "三、会议议题", "四、会议决定事项"]
    assert "（一）黑旗项目（1项）" in texts and "（三）其他议题（1项）" in texts
    assert "招商局（副局长代会）、甲镇（李镇长）。" in texts and "乙镇（请假：外出招商）。" in texts
    assert "1.甲镇新材料产业园：黑旗1个（甲镇）。" in texts

    def font_of(text):
        return {_east_asia(run) for p in paragraphs if p.text == text for run in p.runs}

    assert font_of("一、会议概况") == {"黑体"} and font_of("（一）出席单位（2个）") == {"楷体_GB2312"}
    body = [p for p in paragraphs[3:] if not re.match("^(（?[一二三四]）|[一二三四]、)", p.text)]
    assert body and {_east_asia(run) for p in body for run in p.runs} == {"仿宋_GB2312"}
    assert {run.font.size for p in body for run in p.runs} == {Pt(16)}
    assert all(_east_asia(run) for p in paragraphs for run in p.runs)  # every run names its Chinese font

    (table,) = document.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows == [["序号", "决定事项", "责任单位", "办结时限"],
                    ["1", "12月10日前完成主体封顶", "甲镇", "2026年12月10日"],
                    ["2", SCRIPT, "招商局", "2026年12月31日"],
                    ["3", "招商局本周内报送用地方案", "招商局", "—"]]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_docx_footer_numbers_pages_with_a_page_field(meeting):
    document = _docx(meeting)
    for footer in (document.sections[0].footer, document.sections[0].even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        assert footer.paragraphs[0].text == "— 1 —"
    assert document.settings.odd_and_even_pages_header_footer


def test_docx_survives_control_characters_in_user_text(meeting, tree, office):
    services.agenda_add(actor=_actor(office), meeting=meeting, title="粘贴的\x0b议题\x01", detail="说明")
    texts = [p.text for p in _docx(meeting).paragraphs]
    assert "2.粘贴的议题：说明。" in texts  # after 冬季施工安全 among 其他议题


def test_pdf_is_a4_and_carries_the_title_and_every_decision_as_text(meeting):
    reader = PdfReader(io.BytesIO(minutes.minutes_pdf(_fresh(meeting))))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = "".join(page.extract_text() for page in reader.pages)
    flat = _flat(text)
    assert flat.index("经开区调度会议纪要") < flat.index("经开区第47周项目建设调度会") < flat.index("一、会议概况")
    assert "WeasyPrint" not in text  # the template's own comment stays out of the document
    for decision in meeting.decisions.all():
        assert _flat(decision.text) in flat
    assert "<script>alert('纪要')</script>" in text  # escaped in the HTML, so printed as written
    assert "&lt;" not in text
    assert "乙镇（请假：外出招商）" in flat and "—1—" in flat  # attendance; the page number in the footer


def test_pdf_template_escapes_user_text(meeting):
    record = minutes.minutes_record(_fresh(meeting))
    from django.template.loader import render_to_string

    html = render_to_string("dispatch/minutes_pdf.html", {"m": record})
    assert "&lt;script&gt;alert(&#x27;纪要&#x27;)&lt;/script&gt;" in html and "<script>" not in html


def test_holding_the_meeting_has_the_worker_write_both_files(meeting, office, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_hold(actor=_actor(office), meeting=meeting, summary="会议听取了各镇项目进展。\n要求倒排工期。")
    job = Job.objects.get(kind="dispatch.minutes")
    assert job.status == Job.Status.QUEUED and not _fresh(meeting).minutes_docx

    call_command("worker", batch=True, verbosity=0)

    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.error
    held = _fresh(meeting)
    assert held.status == MeetingStatus.HELD and held.minutes_at is not None
    assert held.minutes_docx.name.endswith(".docx") and held.minutes_pdf.name.endswith(".pdf")
    with held.minutes_docx.open("rb") as handle:
        texts = [p.text for p in Document(handle).paragraphs]
    assert "会议听取了各镇项目进展。" in texts and "要求倒排工期。" in texts
    with held.minutes_pdf.open("rb") as handle:
        assert "要求倒排工期" in _flat("".join(page.extract_text() for page in PdfReader(handle).pages))
