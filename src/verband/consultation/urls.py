from django.urls import path

from verband.consultation import views

app_name = "consultation"
urlpatterns = [
    path("anoniem-overleg/", views.list_view, name="list"),
    path("anoniem-overleg/nieuw/", views.new_view, name="new"),
    path("anoniem-overleg/<int:pk>/", views.detail_view, name="detail"),
    path("anoniem-overleg/<int:pk>/advies/", views.advice_view, name="advice"),
    path("anoniem-overleg/<int:pk>/conclusie/", views.conclusion_view, name="conclusion"),
    path("anoniem-overleg/<int:pk>/koppelen/", views.link_view, name="link"),
]
