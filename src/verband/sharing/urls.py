from django.urls import path

from verband.sharing import views

app_name = "sharing"

urlpatterns = [
    path("toegangslog/", views.access_log_view, name="access_log"),
    path("noodtoegang/beoordelen/", views.emergency_review_view, name="emergency_review"),
    path("verstrekkingen/", views.disclosures_view, name="disclosures"),
]
