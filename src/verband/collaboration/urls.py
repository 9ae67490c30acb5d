from django.urls import path

from verband.collaboration import meeting_views, merge_views, views

app_name = "collaboration"
urlpatterns = [
    path("huishoudens/<str:reference>/overdragen/", views.request_view, name="request"),
    path("overdrachten/<int:pk>/", views.handover_view, name="handover"),
    path("huishoudens/<str:reference>/hulp/", views.help_view, name="help"),
    path(
        "huishoudens/<str:reference>/betrokkenheid/<int:pk>/beeindigen/",
        views.end_involvement_view,
        name="end_involvement",
    ),
    path("huishoudens/<str:reference>/hulp/<int:pk>/status/", views.help_status_view, name="help_status"),
    path("huishoudens/<str:reference>/toestemming/", views.consents_view, name="consents"),
    path("huishoudens/<str:reference>/toestemming/nieuw/", views.consent_new_view, name="consent_new"),
    path(
        "huishoudens/<str:reference>/toestemming/<int:pk>/intrekken/",
        views.consent_withdraw_view,
        name="consent_withdraw",
    ),
    path("huishoudens/<str:reference>/samenvoegen/", merge_views.merge_view, name="merge"),
    path(
        "huishoudens/<str:reference>/samenvoegen/<int:pk>/ongedaan/", merge_views.undo_view, name="merge_undo"
    ),
    path("noodtoegang/", views.emergency_view, name="emergency"),
    path("overleggen/", meeting_views.list_view, name="meetings"),
    path("overleggen/nieuw/", meeting_views.schedule_view, name="schedule"),
    path("overleggen/<int:pk>/", meeting_views.meeting_view, name="meeting"),
]
