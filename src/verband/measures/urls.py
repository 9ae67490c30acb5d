from django.urls import path

from verband.measures import views

app_name = "measures"
urlpatterns = [
    path("huishoudens/<str:reference>/maatregelen/", views.list_view, name="list"),
    path("huishoudens/<str:reference>/maatregelen/nieuw/", views.new_view, name="new"),
    path("huishoudens/<str:reference>/maatregelen/<int:pk>/verlengen/", views.extend_view, name="extend"),
    path("huishoudens/<str:reference>/maatregelen/<int:pk>/beeindigen/", views.end_view, name="end"),
    path("huishoudens/<str:reference>/afsluiten/", views.close_view, name="close"),
]
