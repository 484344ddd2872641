import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """The demo writes its meetings' minutes (会议纪要) to storage: keep them out of $ZONEOPS_HOME."""
    settings.MEDIA_ROOT = tmp_path / "media"
