from django.urls import path

from verband.platforms import views

app_name = "platforms"
urlpatterns = [
    path("knelpunten/", views.barriers_view, name="barriers"),
    path("knelpunten/nieuw/", views.new_barrier_view, name="new_barrier"),
    path("knelpunten/<int:pk>/", views.barrier_view, name="barrier"),
    path("knelpunten/<int:pk>/steunen/", views.support_view, name="support"),
    path("knelpunten/<int:pk>/intrekken/", views.withdraw_view, name="withdraw"),
    path("knelpunten/<int:pk>/samenvoegen/", views.merge_view, name="merge"),
    path("knelpunten/<int:pk>/agenderen/", views.schedule_view, name="schedule"),
    path("platforms/", views.platforms_view, name="list"),
    path("platforms/aanmaken/", views.make_platforms_view, name="make"),
    path("platforms/<int:pk>/", views.platform_view, name="platform"),
    path("platforms/<int:pk>/leden/", views.members_view, name="members"),
    path("platforms/<int:pk>/vergadering-plannen/", views.plan_meeting_view, name="plan_meeting"),
    path("platforms/<int:pk>/prioriteiten/", views.priority_view, name="priority"),
    path("platforms/<int:pk>/besluiten/", views.decide_view, name="decide"),
    path("platforms/besluiten/<int:pk>/uitkomst/", views.outcome_view, name="outcome"),
    path("platforms/vergaderingen/<int:pk>/", views.meeting_view, name="meeting"),
]
