"""Direct PDF drawing (CJK text subset and embedded, extractable) and work in a forked child."""

import io
import os
import time
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from zoneops.core.forked import ChildFailed, run_forked
from zoneops.core.pdf import A3_LANDSCAPE, Canvas


def test_canvas_embeds_a_subset_cjk_font_and_the_text_reads_back():
    canvas = Canvas(A3_LANDSCAPE, title="测试文档")
    canvas.new_page()
    end = canvas.text(100, 100, "重点项目 Gantt 100%", size=12, bold=True)
    canvas.rect(10, 10, 50, 20, fill="#cfeedd", stroke="#2e9e4f", radius=2)
    canvas.circle(30, 60, 6, fill="#d92d20")
    canvas.polygon([(0, 0), (9, 3.6), (0, 7.2)], fill="#1d2939", stroke="#101828", width=0.8)
    canvas.line(0, 0, 100, 100, stroke="#d92d20", width=1.6, dash=(5, 3))
    canvas.new_page()
    canvas.text(A3_LANDSCAPE[0] / 2, 50, "第二页", size=9, anchor="middle")
    pdf = PdfReader(io.BytesIO(canvas.save()))

    assert len(pdf.pages) == 2 and pdf.metadata.title == "测试文档"
    box = pdf.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A3_LANDSCAPE)
    assert "重点项目 Gantt 100%" in pdf.pages[0].extract_text()
    assert "第二页" in pdf.pages[1].extract_text()
    font = pdf.pages[0]["/Resources"]["/Font"]["/F1"]
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
    program = descriptor["/FontFile3"].get_object()
    assert font["/BaseFont"].endswith("+NotoSansCJKsc-Regular")
    assert len(program.get_data()) < 100_000  # the used glyphs only, not the 16 MB font
    assert end == pytest.approx(100 + canvas.text_width("重点项目 Gantt 100%", 12))
    assert canvas.text_width("重点", 10) == pytest.approx(20)  # CJK characters are 1 em wide


def _allocate_and_report(megabytes):
    ballast = [bytes(1024) for _ in range(megabytes * 1024)]
    return os.getpid(), len(ballast)


def test_run_forked_computes_in_another_process():
    pid, count = run_forked(_allocate_and_report, 8)
    assert pid != os.getpid() and count == 8 * 1024


def _fail():
    raise ValueError("坏数据")


def test_an_error_in_the_child_is_raised_in_the_parent():
    with pytest.raises(ChildFailed, match="ValueError: 坏数据"):
        run_forked(_fail)


def test_a_child_over_its_time_is_stopped():
    started = time.monotonic()
    with pytest.raises(ChildFailed, match="took more than"):
        run_forked(time.sleep, 30, timeout=0.5)
    assert time.monotonic() - started < 5


def test_a_missing_font_is_named_with_its_package(monkeypatch):
    from zoneops.core import pdf

    monkeypatch.setattr(pdf, "FONT_FILES", ("/nonexistent/NotoSansCJK-Regular.ttc",))
    monkeypatch.setattr(pdf.subprocess, "run", lambda *args, **kwargs: SimpleNamespace(stdout=""))
    pdf.font_location.cache_clear()
    try:
        with pytest.raises(pdf.FontMissing, match="fonts-noto-cjk"):
            pdf.font_location()
    finally:
        pdf.font_location.cache_clear()
