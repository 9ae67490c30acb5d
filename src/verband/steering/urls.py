from django.urls import path

from verband.steering import views

app_name = "steering"

urlpatterns = [
    path("sturing/", views.overview_view, name="overview"),
    path("sturing/indicator/<str:key>/", views.indicator_view, name="indicator"),
    path("sturing/indicator/<str:key>/verloop.<str:fmt>", views.trend_export_view, name="trend_export"),
    path(
        "sturing/indicator/<str:key>/vergelijking.<str:fmt>",
        views.comparison_export_view,
        name="comparison_export",
    ),
    path("sturing/routes/", views.routes_view, name="routes"),
    path("sturing/routes.<str:fmt>", views.routes_export_view, name="routes_export"),
    path("sturing/rapport/", views.report_view, name="report"),
]
