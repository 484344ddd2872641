"""The default problem categories (问题分类) with their default deadline in working days; editable afterwards."""

CATEGORIES = [("土地", 20), ("规划", 15), ("环保", 15), ("资金", 10), ("手续/审批", 10), ("用工", 10),
              ("水电气", 10), ("拆迁", 30), ("其他", 10)]


def seed_problem_categories(category_model):
    """Create the missing default categories (used by the migration and after a test flush)."""
    for order, (name, workdays) in enumerate(CATEGORIES):
        category_model.objects.get_or_create(name=name, defaults={"default_workdays": workdays, "sort_order": order})
