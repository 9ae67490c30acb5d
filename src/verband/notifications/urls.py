from django.urls import path

from verband.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notificaties/", views.list_view, name="list"),
    path("notificaties/<int:pk>/", views.open_view, name="open"),
    path("notificaties/alles-gelezen/", views.read_all_view, name="read_all"),
    path("notificaties/instellingen/", views.settings_view, name="settings"),
]
