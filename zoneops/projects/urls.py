from django.urls import path

from zoneops.projects.views import battle_map, exchange, ledger, pickers, reports, settings, summary

app_name = "projects"
urlpatterns = [
    path("", ledger.project_list, name="list"),
    path("pick/units/", pickers.pick_units, name="pick_units"),
    path("pick/people/", pickers.pick_people, name="pick_people"),
    path("pick/industries/", pickers.pick_industries, name="pick_industries"),
    path("mine/", ledger.my_projects, name="mine"),
    path("new/", ledger.project_create, name="create"),
    path("<int:pk>/", ledger.project_detail, name="detail"),
    path("<int:pk>/edit/", ledger.project_edit, name="edit"),
    path("<int:pk>/stage/", ledger.project_stage, name="stage"),
    path("<int:pk>/milestones/", ledger.milestones, name="milestones"),
    path("<int:pk>/report/", reports.report_submit, name="report_submit"),
    path("<int:pk>/approvals/", ledger.approvals, name="approvals"),
    path("<int:pk>/stats/", ledger.stats_edit, name="stats_edit"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/mine/", reports.report_queue, name="report_queue"),
    path("reports/review/", reports.review_queue, name="review_queue"),
    path("reports/<int:pk>/review/", reports.report_review, name="report_review"),
    path("photos/<int:pk>/", reports.report_photo, name="photo"),
    path("stats/", ledger.stats_overview, name="stats"),
    path("rules/", settings.rules_edit, name="rules"),
    path("templates/", settings.milestone_templates, name="templates"),
    path("templates/<int:pk>/", settings.milestone_templates, name="template_edit"),
    path("summary/", summary.summary, name="summary"),
    path("export.xlsx", exchange.ledger_export, name="export"),
    path("import/", exchange.ledger_import, name="import"),
    path("battle-map/", battle_map.battle_map, name="battle_map"),
    path("battle-map.pdf", battle_map.battle_map_pdf, name="battle_map_pdf"),
]
