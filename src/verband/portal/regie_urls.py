"""The regisseur's side of the household's door, on the household page of the workplace (not under
/thuis/, which is the household's own)."""

from django.urls import path

from verband.portal import regie_views

app_name = "door_regie"

urlpatterns = [
    path("huishoudens/<str:reference>/thuis/uitnodigen/", regie_views.invite_view, name="invite"),
    path(
        "huishoudens/<str:reference>/thuis/brief/<int:access_id>/",
        regie_views.letter_view,
        name="letter",
    ),
    path("huishoudens/<str:reference>/thuis/stoppen/", regie_views.cut_off_view, name="cut_off"),
]
