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
