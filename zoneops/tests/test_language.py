"""The UI is Simplified Chinese only, and Django's stock validation messages read naturally."""

import gettext
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


class NameForm(forms.Form):
    name = forms.CharField(max_length=5)
    count = forms.IntegerField(max_value=10)
    day = forms.DateField(required=False)
    kind = forms.ChoiceField(choices=[("a", "甲")], required=False)


def test_a_form_error_reads_naturally():
    form = NameForm({"name": "渭南经开区管委会", "count": "11", "day": "明天", "kind": "z"})
    assert not form.is_valid()
    assert form.errors["name"] == ["最多 5 个字（现有 8 个）。"]
    assert form.errors["count"] == ["不能大于 10。"]
    assert form.errors["day"] == ["请输入有效的日期，例如 2026-11-23。"]
    assert form.errors["kind"] == ["请从列表中选择：“z”不是可选项。"]
    assert NameForm({}).errors["name"] == ["此项必填。"]


def test_no_language_but_simplified_chinese_is_offered():
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans"]
    assert "django.middleware.locale.LocaleMiddleware" not in settings.MIDDLEWARE


@pytest.mark.django_db
def test_a_browser_asking_for_english_or_traditional_still_gets_simplified_chinese(client, tree):
    from zoneops.org.models import Scope
    from zoneops.org.tests.factories import PersonFactory, grant

    admin = PersonFactory(unit=tree.zone)
    grant(admin, "system_admin", scope=Scope.ALL)
    client.force_login(admin)
    for accept in ("en-US,en;q=0.9", "zh-TW,zh-Hant;q=0.9"):
        response = client.post("/org/calendar/", {"save": "1", "kind": "holiday", "name": "x" * 51},
                               HTTP_ACCEPT_LANGUAGE=accept)
        html = response.content.decode()
        assert "此项必填。" in html and "最多 50 个字（现有 51 个）。" in html
        assert "This field" not in html and "Ensure this value" not in html and "這個" not in html


def _po_entries(path):
    """(msgid, msgstr, plural) of a .po file; plural entries give their singular id and their one form."""
    entries, current, key = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip() or line.startswith("#"):
            if current.get("msgid"):
                entries.append((current["msgid"], current.get("msgstr[0]", current.get("msgstr")),
                                "msgid_plural" in current))
            if not line.strip():
                current, key = {}, None
            continue
        if match := re.match(r'^(msgid|msgid_plural|msgstr(?:\[0\])?) "(.*)"$', line):
            key = match[1]
            current[key] = match[2]
        elif line.startswith('"') and key:
            current[key] += line[1:-1]
    return [(_unescape(msgid), _unescape(text), plural) for msgid, text, plural in entries]


def _unescape(text):
    return text.replace('\\"', '"').replace("\\n", "\n")


def test_the_compiled_catalogue_matches_its_source():
    entries = _po_entries(CATALOGUE / "django.po")
    assert len(entries) >= 20
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    for msgid, text, plural in entries:
        compiled_text = catalogue.ngettext(msgid, msgid, 2) if plural else catalogue.gettext(msgid)
        assert compiled_text == text, f"{msgid!r}: run msgfmt and commit the .mo"
    with translation.override("zh-hans"):
        assert translation.gettext("This field is required.") == "此项必填。"
