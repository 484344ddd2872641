"""The enterprise registry's choices, kept in one place."""

from django.db import models


class Flag(models.TextChoices):
    """企业标签. Stored in Enterprise.flags as ``,code,code,`` so one ``contains`` filter finds a flag."""

    GLOBAL_500 = "global500", "世界500强"
    CHINA_500 = "china500", "中国500强"
    PRIVATE_500 = "private500", "民营500强"
    LISTED = "listed", "上市公司"
    CENTRAL_SOE = "central_soe", "央企"
    SOE = "soe", "国企"
    FOREIGN = "foreign", "外资"
    SPECIALISED = "specialised", "专精特新"
    HIGH_TECH = "high_tech", "高新技术企业"
    ABOVE_SCALE = "above_scale", "规上"
    GAZELLE = "gazelle", "瞪羚"
    CHAIN_LEADER = "chain_leader", "链主"


FLAG_LABELS = dict(Flag.choices)
