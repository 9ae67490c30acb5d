from django.urls import path

from verband.retention import views

app_name = "retention"
urlpatterns = [
    path("bewaartermijnen/", views.reports_view, name="reports"),
]
