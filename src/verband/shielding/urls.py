from django.urls import path

from verband.shielding import views

app_name = "shielding"

urlpatterns = [
    path("huishoudens/<str:reference>/afscherming/", views.shields_view, name="shields"),
]
