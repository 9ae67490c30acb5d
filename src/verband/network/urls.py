from django.urls import path

from verband.network import views

app_name = "network"

urlpatterns = [path("netwerk/", views.network_view, name="overview")]
