"""The home page: what the signed-in person can see, in numbers, and where to go next."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from zoneops.navigation import visible_modules
from zoneops.org.selectors import person_list, unit_list


@login_required
def home(request):
    user = request.user
    stats = [
        {"label": "可见单位", "value": unit_list(user=user).count(), "icon": "diagram-3"},
        {"label": "可见人员", "value": person_list(user=user).count(), "icon": "people"},
    ]
    return render(request, "home.html", {"title": "首页", "stats": stats, "modules": visible_modules(user)})
