from django.urls import path

from verband.tasks import views

app_name = "tasks"
urlpatterns = [
    path("taken/", views.list_view, name="list"),
    path("taken/<int:pk>/afronden/", views.complete_view, name="complete"),
]
