from django import template

from zoneops.core.money import format_money, format_wan

register = template.Library()


@register.filter
def wan(yuan):
    """元 → '1,234.50' (万元)."""
    return format_wan(yuan)


@register.filter
def money(yuan):
    """元 → '1,234.50万元' or '12.35亿元'."""
    return format_money(yuan)
