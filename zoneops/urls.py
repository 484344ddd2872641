from django.urls import include, path

from zoneops.api.urls import api
from zoneops.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("", include("zoneops.accounts.urls")),
    path("", include("zoneops.dashboards.urls")),
    path("org/", include("zoneops.org.urls")),
    path("audit/", include("zoneops.audit.urls")),
    path("projects/", include("zoneops.projects.urls")),
    path("enterprises/", include("zoneops.enterprises.urls")),
    path("jobs/", include("zoneops.jobs.urls")),
    path("intake/", include("zoneops.exchange.urls")),
    path("problems/", include("zoneops.problems.urls")),
    path("dispatch/", include("zoneops.dispatch.urls")),
    path("inbox/", include("zoneops.notifications.urls")),
    path("workbench/", include("zoneops.workbench.urls")),
    path("api/v1/", api.urls),
]
