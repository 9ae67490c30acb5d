from django.urls import path

from verband.portal import member_views

app_name = "portal"

urlpatterns: list = [
    # What a member sees and does (`member_views`).
    path("", member_views.home_view, name="home"),
    path("woorden/", member_views.words_view, name="words"),
    path("plan/versie/<int:pk>/", member_views.respond_view, name="respond"),
    path("wie-helpen/", member_views.people_view, name="people"),
    path("afspraken/", member_views.meetings_view, name="meetings"),
    path("vragen/", member_views.questions_view, name="questions"),
    path("vragen/<int:pk>/", member_views.message_view, name="message"),
    path("feedback/", member_views.feedback_view, name="feedback"),
    path("mijn-gegevens/", member_views.rights_view, name="rights"),
    path("mijn-gegevens/<int:pk>/", member_views.rights_detail_view, name="rights_detail"),
]
