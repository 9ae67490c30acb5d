from django.urls import path

from verband.search import views

app_name = "search"
urlpatterns = [
    path("zoeken/", views.search_view, name="search"),
]
