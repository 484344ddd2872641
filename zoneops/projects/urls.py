from django.urls import path

from zoneops.projects import battle_map, pickers, views, views_exchange, views_reports, views_settings, views_summary

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("pick/units/", pickers.pick_units, name="pick_units"),
    path("pick/people/", pickers.pick_people, name="pick_people"),
    path("pick/industries/", pickers.pick_industries, name="pick_industries"),
    path("mine/", views.my_projects, name="mine"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/stage/", views.project_stage, name="stage"),
    path("<int:pk>/milestones/", views.milestones, name="milestones"),
    path("<int:pk>/report/", views_reports.report_submit, name="report_submit"),
    path("<int:pk>/approvals/", views.approvals, name="approvals"),
    path("<int:pk>/stats/", views.stats_edit, name="stats_edit"),
    path("reports/", views_reports.report_list, name="reports"),
    path("reports/mine/", views_reports.report_queue, name="report_queue"),
    path("reports/review/", views_reports.review_queue, name="review_queue"),
    path("reports/<int:pk>/review/", views_reports.report_review, name="report_review"),
    path("photos/<int:pk>/", views_reports.report_photo, name="photo"),
    path("stats/", views.stats_overview, name="stats"),
    path("rules/", views_settings.rules_edit, name="rules"),
    path("templates/", views_settings.milestone_templates, name="templates"),
    path("templates/<int:pk>/", views_settings.milestone_templates, name="template_edit"),
    path("summary/", views_summary.summary, name="summary"),
    path("export.xlsx", views_exchange.ledger_export, name="export"),
    path("import/", views_exchange.ledger_import, name="import"),
    path("battle-map/", battle_map.battle_map, name="battle_map"),
    path("battle-map.pdf", battle_map.battle_map_pdf, name="battle_map_pdf"),
]
