"""The one NinjaAPI object; each domain app contributes a router from its api.py."""

from ninja import NinjaAPI

from zoneops.api import errors
from zoneops.api.auth import AUTH
from zoneops.api.docs import VendoredSwagger, docs_access
from zoneops.dispatch.api import router as dispatch_router
from zoneops.enterprises.api import router as enterprises_router
from zoneops.notifications.api import router as notifications_router
from zoneops.org.api import router as org_router
from zoneops.problems.api import router as problems_router
from zoneops.projects.api import router as projects_router
from zoneops.workbench.api import router as workbench_router

api = NinjaAPI(
    title="ZoneOps API",
    version="1",
    description=(
        "开发区招商与项目建设指挥平台接口。认证：`Authorization: Bearer <令牌>`（`zoneops token create`）"
        "或浏览器会话。所有列表均按调用者的数据范围过滤。"
    ),
    auth=AUTH,
    docs=VendoredSwagger(),
    docs_decorator=docs_access,
    urls_namespace="api",
)
errors.install(api)
api.add_router("", org_router)
api.add_router("", projects_router)
api.add_router("", problems_router)
api.add_router("", notifications_router)
api.add_router("", workbench_router)
api.add_router("", enterprises_router)
api.add_router("", dispatch_router)
