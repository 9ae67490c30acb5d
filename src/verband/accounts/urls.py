from django.urls import path

from verband.accounts import views

app_name = "accounts"

urlpatterns = [
    path("aanmelden/", views.login_view, name="login"),
    path("aanmelden/code/", views.verify_view, name="verify"),
    path("aanmelden/instellen/", views.enrol_view, name="enrol"),
    path("afmelden/", views.logout_view, name="logout"),
    path("rol/", views.switch_membership_view, name="switch"),
]
