"""Money is shown fixed-point in 万元 or 亿元 (the page's ?money= unit), never in exponent form."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from zoneops.core.forms import WanField
from zoneops.core.money import format_amount, format_money, format_wan, money_context, plain_decimal

VALUES = [0, 1, 100, 5_000_000, 100_000_000, 123_456_789_012_345, 10**18]


@pytest.mark.parametrize("yuan", VALUES)
def test_no_exponent_anywhere(yuan):
    texts = [format_wan(yuan), format_money(yuan), format_amount(yuan, "wan"), format_amount(yuan, "yi"),
             plain_decimal(Decimal(yuan) / 10_000), str(WanField().prepare_value(yuan))]
    for text in texts:
        assert "E" not in text.upper(), texts


def test_the_form_shows_a_round_amount_plainly():
    assert WanField().prepare_value(5_000_000) == "500"  # not Decimal.normalize()'s 5E+2
    assert WanField().prepare_value(5_000_100) == "500.01"
    assert WanField().prepare_value(1) == "0.0001"
    assert WanField().prepare_value(0) == "0"


def test_units():
    assert format_amount(123_456_789_000, "wan") == "12,345,678.90"
    assert format_amount(123_456_789_000, "yi") == "1,234.57"
    assert format_amount(5_000_000, "yi") == "0.05"
    assert format_amount(None, "yi") == ""


def test_the_template_filter_and_the_page_unit():
    html = Template("{% load money %}{{ a|amount:u }} {{ u|unit_label }}").render(
        Context({"a": 500_000_000_000, "u": "yi"}))
    assert html == "5,000.00 亿元"
    request = RequestFactory().get("/x/?money=yi&page=3&stage=started")
    context = money_context(request)
    assert context["money"] == "yi" and context["money_label"] == "亿元"
    assert context["money_query"] == "stage=started"
    assert money_context(RequestFactory().get("/x/?money=E5"), default="yi")["money"] == "yi"
