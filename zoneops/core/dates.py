"""Dates as the UI writes them (DESIGN.md, Language): 2026年11月9日 and 11月9日, never 11月09日."""


def cn_date(day):
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def cn_month_day(day):
    return f"{day.month}月{day.day}日" if day else ""
