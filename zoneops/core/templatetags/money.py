from django import template

from zoneops.core.money import MONEY_UNITS, format_amount, format_money, format_wan

register = template.Library()


@register.filter
def wan(yuan):
    """元 → '1,234.50' (万元)."""
    return format_wan(yuan)


@register.filter
def money(yuan):
    """元 → '1,234.50万元' or '12.35亿元'."""
    return format_money(yuan)


@register.filter
def amount(yuan, unit="wan"):
    """元 → '1,234.50' in the page's unit ('wan' or 'yi', see money.money_unit)."""
    return format_amount(yuan, unit)


@register.filter
def unit_label(unit):
    """'wan' → '万元', 'yi' → '亿元'."""
    return MONEY_UNITS.get(unit, MONEY_UNITS["wan"])[0]
