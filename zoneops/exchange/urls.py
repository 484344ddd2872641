from django.urls import path

from zoneops.exchange import views
from zoneops.exchange.intake.catalogue import MODULES

app_name = "intake"

# One pair of pages per table with a catalogue (/intake/projects/, /intake/projects/review/): literal
# paths, so the generated scope walk visits each table's real pages.
urlpatterns = [route for kind in MODULES for route in (
    path(f"{kind}/", views.upload, {"kind": kind}, name=kind),
    path(f"{kind}/review/", views.review, {"kind": kind}, name=f"{kind}-review"),
)]
