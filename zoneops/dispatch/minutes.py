"""会议纪要: the minutes of a dispatch meeting as a Word file and a PDF, in the 公文 layout of GB/T 9704.

Both are drawn from one plain record (:func:`minutes_record`), read once from the meeting: the minutes
are the full record (every attendee, agenda item and decision); who may download them is the page's
business. The Word file names the fonts users have on Windows (方正小标宋简体, 仿宋_GB2312, 黑体,
楷体_GB2312) and sets the East-Asian font on every run; the PDF is rendered here by WeasyPrint from
``dispatch/minutes_pdf.html``, where those fonts are missing and Debian's Noto CJK fonts stand in.
"""

import re
from dataclasses import dataclass
from io import BytesIO

from django.template.loader import render_to_string
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from zoneops.core.dates import cn_date
from zoneops.core.forked import run_forked
from zoneops.dispatch.choices import AgendaKind

WEEKDAYS = "一二三四五六日"
NUMERALS = "一二三四五六七八九十"
# Characters XML 1.0 cannot hold (a pasted control character would make the .docx unwritable).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def cn_numeral(n):
    """一 … 九十九: the numbers of 公文 headings (一、 and （一）)."""
    tens, ones = divmod(n, 10)
    if not tens:
        return NUMERALS[ones - 1]
    return (NUMERALS[tens - 1] if tens > 1 else "") + "十" + (NUMERALS[ones - 1] if ones else "")


def _clean(text):
    return _NOT_XML.sub("", str(text or "")).strip()


@dataclass(frozen=True)
class Attendance:
    unit: str
    person: str
    note: str

    @property
    def text(self):
        """招商局（张三，代会）: the unit, then who came and the note in brackets."""
        extra = "，".join(part for part in (self.person, self.note) if part)
        return f"{self.unit}（{extra}）" if extra else self.unit


@dataclass(frozen=True)
class AgendaEntry:
    title: str
    detail: str
    unit: str

    @property
    def tail(self):
        """What follows the item's title: ：红灯，黑旗2个（甲镇）。"""
        text = ("：" + self.detail if self.detail else "") + (f"（{self.unit}）" if self.unit else "")
        return text + "。" if text else ""


@dataclass(frozen=True)
class AgendaGroup:
    numeral: str  # 一, 二 … of its heading （一）
    label: str
    items: tuple


@dataclass(frozen=True)
class DecisionRow:
    seq: int
    text: str
    owner: str
    due: str


@dataclass(frozen=True)
class Minutes:
    """Everything the minutes print, as plain strings (no model instances, so a child process can draw it)."""

    header: str  # 发文机关标志
    organiser: str
    title: str
    kind: str
    date: str
    weekday: str
    place: str
    chair: str
    present: tuple
    absent: tuple
    summary: tuple  # paragraphs
    agenda: tuple  # AgendaGroup, in the order of AgendaKind
    decisions: tuple

    @property
    def opening(self):
        """The first paragraph: 2026年11月23日，张三在一楼会议室主持召开经开区第47周调度会。"""
        who = f"{self.chair}在{self.place}主持召开" if self.chair and self.place else (
            f"{self.chair}主持召开" if self.chair else (f"{self.organiser}在{self.place}召开" if self.place
                                                       else f"{self.organiser}召开"))
        return f"{self.date}，{who}{self.title}（{self.kind}）。"

    @property
    def agenda_count(self):
        return sum(len(group.items) for group in self.agenda)


def minutes_record(meeting):
    """Read the meeting once into :class:`Minutes`: five queries (its unit and chair, attendees, agenda,
    decisions), however long it was."""
    attendees = list(meeting.attendees.select_related("unit", "person").order_by("unit__path", "pk"))
    attendance = [(row.present, Attendance(_clean(row.unit.name), _clean(row.person.name if row.person else ""),
                                           _clean(row.note)))
                  for row in attendees]
    groups = {}
    for item in meeting.agenda.select_related("unit").order_by("seq", "pk"):
        groups.setdefault(item.kind, []).append(
            AgendaEntry(_clean(item.title), _clean(item.detail), _clean(item.unit.name if item.unit else "")))
    labels = dict(AgendaKind.choices)
    order = list(AgendaKind.values)
    ordered = sorted(groups.items(), key=lambda pair: _position(order, pair[0]))
    agenda = tuple(AgendaGroup(cn_numeral(n), labels.get(kind, kind), tuple(items))
                   for n, (kind, items) in enumerate(ordered, start=1))
    decisions = tuple(
        DecisionRow(row.seq, _clean(row.text), _clean(row.owner_unit.name),
                    cn_date(row.due_date) if row.due_date else "—")
        for row in meeting.decisions.select_related("owner_unit").order_by("seq", "pk"))
    held_on = meeting.held_on
    organiser = _clean(meeting.unit.name)
    return Minutes(
        header=f"{organiser}调度会议纪要", organiser=organiser, title=_clean(meeting.title),
        kind=meeting.get_kind_display(), date=cn_date(held_on), weekday=f"星期{WEEKDAYS[held_on.weekday()]}",
        place=_clean(meeting.place), chair=_clean(meeting.chair.name if meeting.chair else ""),
        present=tuple(a for present, a in attendance if present),
        absent=tuple(a for present, a in attendance if not present),
        summary=tuple(line for line in (_clean(part) for part in (meeting.summary or "").splitlines()) if line),
        agenda=agenda, decisions=decisions)


def _position(order, kind):
    return order.index(kind) if kind in order else len(order)


# --- PDF --------------------------------------------------------------------------------------------------------

def minutes_pdf(meeting):
    """The minutes as PDF bytes (A4, 公文 layout), rendered by WeasyPrint in a child process so that the
    fonts' memory leaves with it (see :mod:`zoneops.core.forked`); the meeting is read here, before."""
    import weasyprint  # noqa: F401 - imported once in the worker; the child inherits it

    html = render_to_string("dispatch/minutes_pdf.html", {"m": minutes_record(meeting)})
    return run_forked(_write_pdf, html)


def _write_pdf(html):
    import weasyprint

    return weasyprint.HTML(string=html, url_fetcher=_no_fetching).write_pdf()


def _no_fetching(url, *args, **kwargs):
    """The template loads nothing from outside; a URL that slipped into it must not be fetched."""
    raise ValueError(f"会议纪要不加载外部资源：{url[:80]}")


# --- Word -------------------------------------------------------------------------------------------------------

RED = RGBColor(0xFF, 0x00, 0x00)
XIAOBIAOSONG, FANGSONG, HEITI, KAITI, SONGTI = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
BODY, TABLE, PAGE_NUMBER = Pt(16), Pt(14), Pt(14)  # 3号, 4号, 4号
LINE = Pt(29)  # 22 lines in the 225 mm text block
TEXT_WIDTH = Mm(156)
# Tags that follow w:pBdr in w:pPr (the schema's order); the border goes before the first one present.
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
               "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
               "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
               "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
               "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


def minutes_docx(meeting):
    """The minutes as .docx bytes (python-docx), laid out after GB/T 9704."""
    m = minutes_record(meeting)
    document = Document()
    _page_setup(document)
    _defaults(document)
    _masthead(document, m)
    for n, (heading, body) in enumerate(_sections(m), start=1):
        _paragraph(document, f"{cn_numeral(n)}、{heading}", font=HEITI, keep_with_next=True)
        body(document)
    document.core_properties.title = m.title
    document.core_properties.author = m.organiser
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _sections(m):
    """(heading, writer) of each numbered section, in order."""
    def overview(document):
        _paragraph(document, m.opening)
        for line in (f"会议时间：{m.date}（{m.weekday}）", f"会议地点：{m.place or '—'}",
                     f"主持人：{m.chair or '—'}", f"会议类型：{m.kind}"):
            _paragraph(document, line)
        for line in m.summary:
            _paragraph(document, line)

    def attendance(document):
        for n, (label, rows) in enumerate(((f"出席单位（{len(m.present)}个）", m.present),
                                           (f"缺席单位（{len(m.absent)}个）", m.absent)), start=1):
            _paragraph(document, f"（{cn_numeral(n)}）{label}", font=KAITI, keep_with_next=True)
            _paragraph(document, ("、".join(row.text for row in rows) + "。") if rows else "无。")

    def agenda(document):
        if not m.agenda:
            _paragraph(document, "本次会议无议题。")
        for group in m.agenda:
            _paragraph(document, f"（{group.numeral}）{group.label}（{len(group.items)}项）", font=KAITI,
                       keep_with_next=True)
            for i, item in enumerate(group.items, start=1):
                paragraph = _paragraph(document, f"{i}.{item.title}", bold=True)
                if item.tail:
                    _run(paragraph, item.tail)

    def decisions(document):
        if not m.decisions:
            _paragraph(document, "本次会议未形成决定事项。")
            return
        _paragraph(document, f"会议研究决定以下{len(m.decisions)}项事项，由责任单位按时限办结：", keep_with_next=True)
        _decision_table(document, m.decisions)

    return [("会议概况", overview), ("出席情况", attendance), ("会议议题", agenda), ("会议决定事项", decisions)]


def _page_setup(document):
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(21)  # the number's line sits ~7 mm below the text block
    document.settings.odd_and_even_pages_header_footer = True  # the number at the outside edge
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)


def _defaults(document):
    """仿宋_GB2312 3号 as the document's default, without the template's theme fonts (a theme font on
    w:rFonts wins over a named one, so Word would show the theme's instead)."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for old in r_pr.findall(qn("w:rFonts")) + r_pr.findall(qn("w:lang")):
        r_pr.remove(old)
    fonts = OxmlElement("w:rFonts")
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FANGSONG)
    r_pr.insert(0, fonts)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    r_pr.append(lang)
    normal = document.styles["Normal"]
    normal.font.size = BODY
    _set_font(normal.element.get_or_add_rPr(), FANGSONG)
    normal.paragraph_format.space_before = normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE


def _masthead(document, m):
    """版头: the red 发文机关标志, the issuer and date over the red rule (版头分隔线), then the title."""
    header = _paragraph(document, m.header, font=XIAOBIAOSONG, size=Pt(36), color=RED, indent=False,
                        align=WD_ALIGN_PARAGRAPH.CENTER)
    header.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    header.paragraph_format.space_before, header.paragraph_format.space_after = Pt(12), Pt(18)
    issuer = _paragraph(document, f"{m.organiser}\t{m.date}", indent=False)
    issuer.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    issuer.paragraph_format.space_after = Pt(24)
    _bottom_border(issuer, color="FF0000", eighths=12)  # 1.5 pt, as in the PDF
    title = _paragraph(document, m.title, font=XIAOBIAOSONG, size=Pt(22), indent=False,
                       align=WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.line_spacing = Pt(35)
    title.paragraph_format.space_after = LINE


def _decision_table(document, rows):
    widths = (Mm(14), Mm(76), Mm(32), Mm(34))
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, text in zip(table.rows[0].cells, ("序号", "决定事项", "责任单位", "办结时限"), strict=True):
        _cell(cell, text, font=HEITI, align=WD_ALIGN_PARAGRAPH.CENTER)
    header = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")  # repeated at the top of every page the table runs onto
    header.append(repeat)
    for row in rows:
        cells = table.add_row().cells
        _cell(cells[0], str(row.seq), align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell(cells[1], row.text)
        _cell(cells[2], row.owner, align=WD_ALIGN_PARAGRAPH.CENTER)
        _cell(cells[3], row.due, align=WD_ALIGN_PARAGRAPH.CENTER)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return table


def _cell(cell, text, *, font=FANGSONG, align=WD_ALIGN_PARAGRAPH.LEFT):
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(3)
    _run(paragraph, text, font=font, size=TABLE)


def _paragraph(document, text, *, font=FANGSONG, size=BODY, bold=False, color=None, indent=True,
               align=WD_ALIGN_PARAGRAPH.JUSTIFY, keep_with_next=False):
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Pt(32) if indent else None  # two characters of 3号
    fmt.keep_with_next = keep_with_next or None
    fmt.widow_control = True
    _run(paragraph, text, font=font, size=size, bold=bold, color=color)
    return paragraph


def _run(paragraph, text, *, font=FANGSONG, size=BODY, bold=False, color=None):
    run = paragraph.add_run(text)
    run.font.size = size
    run.font.bold = bold or None
    if color is not None:
        run.font.color.rgb = color
    _set_font(run._element.get_or_add_rPr(), font)
    return run


def _set_font(r_pr, name):
    """Name the font for Latin and East-Asian text alike (w:eastAsia is what Word uses for Chinese)."""
    fonts = r_pr.get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _bottom_border(paragraph, *, color, eighths):
    """A rule under the paragraph: w:pBdr/w:bottom, ``eighths`` of a point thick."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", str(eighths)), ("w:space", "4"), ("w:color", color)):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.insert_element_before(borders, *_AFTER_PBDR)


def _page_number(paragraph, align):
    """— 1 — : a PAGE field between two dashes, 4号宋体, indented one character from the outside edge."""
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = PAGE_NUMBER
    else:
        fmt.left_indent = PAGE_NUMBER
    _run(paragraph, "— ", font=SONGTI, size=PAGE_NUMBER)
    _field_part(paragraph, "w:fldChar", fldCharType="begin")
    _field_part(paragraph, "w:instrText", text=" PAGE ")
    _field_part(paragraph, "w:fldChar", fldCharType="separate")
    _run(paragraph, "1", font=SONGTI, size=PAGE_NUMBER)  # shown until Word updates the field
    _field_part(paragraph, "w:fldChar", fldCharType="end")
    _run(paragraph, " —", font=SONGTI, size=PAGE_NUMBER)


def _field_part(paragraph, tag, *, text=None, **attributes):
    element = OxmlElement(tag)
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), value)
    if text is not None:
        element.set(qn("xml:space"), "preserve")
        element.text = text
    _run(paragraph, "", font=SONGTI, size=PAGE_NUMBER)._element.append(element)
