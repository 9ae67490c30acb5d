from django.urls import path

from verband.publicdoor import views

app_name = "publicdoor"

urlpatterns = [
    path("", views.start, name="start"),
    path("bedankt/", views.thanks, name="thanks"),
    path("<slug:kind>/", views.submit, name="submit"),
]
