"""Name keys and the USCC check digit: the rules dedup stands on."""

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import uscc

from zoneops.enterprises.models import clean_uscc
from zoneops.enterprises.names import name_initials, name_key
from zoneops.enterprises.tests.factories import VALID_CODES


@pytest.mark.parametrize("code", VALID_CODES)
def test_published_codes_pass(code):
    assert uscc.is_valid(code)  # the sample itself is right
    assert clean_uscc(code.lower()) == code
    assert clean_uscc(f" {code[:9]} {code[9:]} ") == code


@pytest.mark.parametrize("code", [
    "91110000600037341M",  # wrong check digit (L is right)
    "91110108551385082A",  # wrong check digit (Q is right)
    "914403001922038217",  # wrong check digit (6 is right)
    "91110000600037341",  # 17 characters
    "91110000600037341LL",  # 19 characters
    "9111000060003734IL",  # I is not in the GB 32100 alphabet
    "ABCDEFGHJKLMNPQRTU",
])
def test_invalid_codes_are_refused(code):
    with pytest.raises(ValidationError):
        clean_uscc(code)


@pytest.mark.parametrize(("left", "right"), [
    ("渭南华阳食品有限公司", "渭南华阳食品有限责任公司"),
    ("渭南华阳食品有限公司", "渭南华阳食品股份有限公司"),
    ("华为技术（深圳）有限公司", "华为技术(深圳)有限公司"),
    ("华为技术（深圳）有限公司", "华为技术 【深圳】 有限公司"),
    ("華為技術有限公司", "华为技术有限公司"),
    ("陝西遠航物流有限責任公司", "陕西远航物流有限公司"),
    ("ＡＢＣ科技有限公司", "abc科技有限公司"),
    ("Siemens Co., Ltd.", "SIEMENS"),
])
def test_near_identical_names_share_a_key(left, right):
    assert name_key(left) == name_key(right)


@pytest.mark.parametrize(("left", "right"), [
    ("渭南华阳食品有限公司", "渭南华阳饮料有限公司"),
    ("华阳集团有限公司", "华阳有限公司"),  # a group is not its company
    ("渭南华阳食品有限公司", "西安华阳食品有限公司"),
])
def test_different_names_keep_different_keys(left, right):
    assert name_key(left) != name_key(right)


def test_suffix_alone_is_kept():
    assert name_key("有限公司") == "有限公司"
    assert name_key("   ") == ""


def test_initials():
    assert name_initials("渭南华阳食品有限公司") == "wnhyspyxgs"
    assert name_initials("華為") == "hw"
