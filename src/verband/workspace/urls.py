from django.urls import path

from verband.workspace import views

app_name = "workspace"

urlpatterns = [
    path("", views.start_view, name="start"),
    path("mijn-werk/", views.my_work_view, name="my_work"),
    path("huishoudens/", views.caseload_view, name="caseload"),
    path("overzicht/", views.overview_view, name="overview"),
    path("beheer/", views.administration_view, name="administration"),
    path("beheer/akkoord/", views.approve_view, name="approve"),
]
