"""The professionals' pages of the household's door (not under /thuis/, which is the members' own)."""

from django.urls import path

from verband.portal import staff_views

app_name = "portal_staff"

urlpatterns = [
    path("vragen-van-huishoudens/", staff_views.questions_view, name="questions"),
    path("huishoudens/<str:reference>/stem/", staff_views.voice_view, name="voice"),
    path("overleggen/<int:pk>/gezinslid-uitnodigen/", staff_views.meeting_invite_view, name="meeting_invite"),
]
