"""Abusive photos: pixel bombs answered with a form error, a count per report, decoding outside the transaction."""

import io
import struct
import threading
import zlib
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from PIL import Image, ImageFile

from zoneops.audit.context import Actor
from zoneops.core.errors import ValidationError
from zoneops.core.money import YUAN_PER_WAN
from zoneops.org.tests.factories import UnitFactory
from zoneops.projects import photos, services
from zoneops.projects.choices import Stage
from zoneops.projects.tests.factories import ProjectFactory

SYSTEM = Actor.system()


def _png_bomb(width, height, *, rows=64):
    """A PNG whose header declares width × height grey pixels; only the first ``rows`` are compressed in
    (the header is all a bounded reader looks at; a full 20000×20000 bomb is ~400 KB of zlib)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    pixels = zlib.compress(b"\0" * ((width + 1) * rows), 9)
    return SimpleUploadedFile("bomb.png", b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height,
                              8, 0, 0, 0, 0)) + chunk(b"IDAT", pixels) + chunk(b"IEND", b""), content_type="image/png")


def _jpeg(size=(800, 600)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 60)).save(buffer, format="JPEG")
    return SimpleUploadedFile("工地.jpg", buffer.getvalue(), content_type="image/jpeg")


def _submit(project, **extra):
    return services.progress_report_submit(actor=SYSTEM, project=project, period_key="2026-11",
                                           invested=10 * YUAN_PER_WAN, progress_text="主体施工", percent=30, **extra)


def _started(project):
    services.project_change_stage(actor=SYSTEM, project=project, to_stage=Stage.STARTED, reason="补录",
                                  effective_on=date(2026, 1, 10))
    project.refresh_from_db()
    return project


class TestPixelBounds:
    def test_a_photo_over_the_bound_is_refused_from_its_header(self, monkeypatch):
        monkeypatch.setattr(ImageFile.ImageFile, "load", lambda image: pytest.fail("decoded"))
        with pytest.raises(ValidationError, match=r"“bomb.png”（9000×7000像素）过大，最多50百万像素"):
            photos.process_photo(_png_bomb(9000, 7000))

    def test_a_20000_square_png_meets_pillows_own_guard_with_the_same_message(self, settings):
        with pytest.raises(ValidationError, match=r"“bomb.png”过大，最多50百万像素，请缩小后再上传"):
            photos.process_photo(_png_bomb(20000, 20000))

    def test_a_photo_within_the_bound_is_resized(self):
        content, _taken_at, width, height = photos.process_photo(_jpeg((4000, 3000)))
        assert (width, height) == (1600, 1200) and content.name == "工地.jpg"

    def test_the_page_answers_the_bomb_with_a_form_error(self, client, world, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(world.township)
        response = client.post(f"/projects/{world.ours.pk}/report/", {
            "period_key": "2026-11", "invested": "150", "percent": "35", "workers": "80",
            "progress_text": "主体结构施工至三层", "photos": [_jpeg(), _png_bomb(20000, 20000)]})
        assert response.status_code == 200
        assert "照片“bomb.png”过大，最多50百万像素" in response.content.decode()
        assert not world.ours.reports.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("fixed_today")
class TestCountPerReport:
    def test_more_photos_than_the_limit_are_refused_before_decoding(self, tree, settings, monkeypatch):
        settings.ZONEOPS_PHOTO_MAX_PER_REPORT = 2
        monkeypatch.setattr(photos, "process_photo", lambda upload: pytest.fail("decoded"))
        project = _started(ProjectFactory(responsible_unit=tree.town_a))
        with pytest.raises(ValidationError, match="最多上传2张照片，本次选择了3张"):
            _submit(project, photos=[_jpeg(), _jpeg(), _jpeg()])

    def test_photos_added_on_refiling_count_towards_the_limit(self, tree, settings, tmp_path):
        settings.MEDIA_ROOT, settings.ZONEOPS_PHOTO_MAX_PER_REPORT = tmp_path, 2
        project = _started(ProjectFactory(responsible_unit=tree.town_a))
        report = _submit(project, photos=[_jpeg(), _jpeg()])
        with pytest.raises(ValidationError, match="最多2张照片，已有2张"):
            _submit(project, photos=[_jpeg()], expected_version=report.version)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("fixed_today")
class TestOutsideTheTransaction:
    def test_photos_are_decoded_before_the_write_transaction_opens(self, tree, settings, tmp_path, monkeypatch):
        settings.MEDIA_ROOT = tmp_path
        project = _started(ProjectFactory(responsible_unit=tree.town_a))
        seen = []
        process = photos.process_photo

        def spy(upload):
            seen.append(connection.in_atomic_block)
            return process(upload)
        monkeypatch.setattr(photos, "process_photo", spy)
        assert _submit(project, photos=[_jpeg(), _jpeg()]).photos.count() == 2
        assert seen == [False, False]

    def test_another_connection_writes_while_photos_are_processed(self, tree, settings, tmp_path, monkeypatch):
        """With the decoding inside the transaction, this write fails (“database table is locked”)."""
        settings.MEDIA_ROOT = tmp_path
        project = _started(ProjectFactory(responsible_unit=tree.town_a))
        failures = []
        process = photos.process_photo

        def write_elsewhere():
            try:
                UnitFactory(parent=tree.zone, name="另一连接写入的单位")
            except Exception as error:  # noqa: BLE001 - the failure itself is what the test reports
                failures.append(error)
            finally:
                connections.close_all()

        def slow_decode(upload):
            writer = threading.Thread(target=write_elsewhere)
            writer.start()
            writer.join()
            return process(upload)
        monkeypatch.setattr(photos, "process_photo", slow_decode)
        _submit(project, photos=[_jpeg()])
        assert failures == []
        assert tree.zone.children.filter(name="另一连接写入的单位").exists()
