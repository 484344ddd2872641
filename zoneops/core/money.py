"""Money: stored as integer 元 (BigIntegerField), shown and typed in 万元 / 亿元.

Integers keep sums exact on SQLite and PostgreSQL alike; one 万元 with four decimals is exactly
one 元, so every figure a user types in 万元 converts without loss. Never a float.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import models

YUAN_PER_WAN = 10_000
YUAN_PER_YI = 100_000_000


class MoneyField(models.BigIntegerField):
    """An amount in 元. A named field type so every money column is recognisable in models."""


def wan_to_yuan(value) -> int:
    """Parse a 万元 figure (str, int or Decimal; commas allowed) into integer 元."""
    if value is None or value == "":
        raise ValueError("金额不能为空。")
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        raise ValueError(f"“{value}”不是有效金额。") from None
    if not amount.is_finite():
        raise ValueError(f"“{value}”不是有效金额。")
    yuan = amount * YUAN_PER_WAN
    if yuan != yuan.to_integral_value():
        raise ValueError("金额（万元）最多保留四位小数。")
    return int(yuan)


def yuan_to_wan(yuan: int, places=2) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(yuan) / YUAN_PER_WAN).quantize(quantum, rounding=ROUND_HALF_UP)


def format_wan(yuan, places=2) -> str:
    """元 → '1,234.50' (万元), thousands separated; empty for None."""
    if yuan is None:
        return ""
    return f"{yuan_to_wan(yuan, places):,.{places}f}"


def format_money(yuan) -> str:
    """元 → '1,234.50万元' or '12.35亿元' when it reaches one 亿, for prose and cards."""
    if yuan is None:
        return ""
    if abs(yuan) >= YUAN_PER_YI:
        yi = (Decimal(yuan) / YUAN_PER_YI).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return f"{yi:,.2f}亿元"
    return f"{format_wan(yuan)}万元"


# A page's money unit (``?money=yi`` or ``?money=wan``): every amount on the page in that unit.
MONEY_UNITS = {"wan": ("万元", YUAN_PER_WAN), "yi": ("亿元", YUAN_PER_YI)}


def money_unit(request, default="wan") -> str:
    """The page's money unit from ``?money=``: 'wan' or 'yi' (anything else: the page's default)."""
    unit = request.GET.get("money", "")
    return unit if unit in MONEY_UNITS else default


def money_context(request, default="wan") -> dict:
    """Template context of the page's money unit and its 万元/亿元 toggle (projects/_money_toggle.html)."""
    unit = money_unit(request, default)
    params = request.GET.copy()
    for name in ("money", "page"):
        params.pop(name, None)
    return {"money": unit, "money_label": MONEY_UNITS[unit][0], "money_query": params.urlencode(),
            "money_units": [(code, label) for code, (label, _) in MONEY_UNITS.items()]}


def format_amount(yuan, unit="wan", places=2) -> str:
    """元 → '1,234.50' in the unit ('wan' 万元 or 'yi' 亿元), fixed-point (never '5E+2'); empty for None."""
    if yuan is None or yuan == "":
        return ""
    per = MONEY_UNITS.get(unit, MONEY_UNITS["wan"])[1]
    quantum = Decimal(1).scaleb(-places)
    return f"{(Decimal(yuan) / per).quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"


def plain_decimal(value: Decimal) -> str:
    """A Decimal without trailing zeros and never in exponent form: Decimal('500.0000') → '500'."""
    return format(value.normalize(), "f")
