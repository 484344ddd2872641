"""The milestone templates (节点模板) every zone starts with, as data.

Loaded by migration 0003 and by the demo; a zone edits or adds templates afterwards. Offsets are
calendar days relative to the planned start (计划开工), negative before it. The industrial schedule
follows the usual 拿地即开工 rhythm: signed half a year before the start, in production a year after.
"""

INDUSTRIAL = "工业项目"
INFRASTRUCTURE = "基础设施项目"

MILESTONE_TEMPLATES = [
    {
        "name": INDUSTRIAL,
        "description": "产业类项目：签约 → 供地 → 手续 → 开工 → 封顶 → 设备 → 竣工 → 投产",
        "items": [
            ("签约", -180),
            ("供地", -120),
            ("立项/备案", -90),
            ("规划许可", -60),
            ("施工许可", -20),
            ("开工", 0),
            ("主体封顶", 180),
            ("设备安装", 270),
            ("竣工验收", 330),
            ("投产", 360),
        ],
    },
    {
        "name": INFRASTRUCTURE,
        "description": "道路、管网、标准化厂房等政府投资项目：立项 → 可研 → 初设 → 开工 → 完工 → 验收",
        "items": [
            ("立项", -150),
            ("可研批复", -110),
            ("初步设计", -60),
            ("施工许可", -15),
            ("开工", 0),
            ("主体完工", 300),
            ("竣工验收", 360),
        ],
    },
]


def seed_milestone_templates(template_model, item_model):
    """Create the templates that are missing. A template that already exists (perhaps edited by the
    zone) is left as it is, so running this twice changes nothing. Returns how many were created.

    Takes the model classes so a migration can pass its historical models.
    """
    created = 0
    for spec in MILESTONE_TEMPLATES:
        template, is_new = template_model.objects.get_or_create(
            name=spec["name"], defaults={"description": spec["description"]})
        if not is_new:
            continue
        item_model.objects.bulk_create(
            item_model(template=template, seq=seq, name=name, offset_days=offset)
            for seq, (name, offset) in enumerate(spec["items"], start=1)
        )
        created += 1
    return created
