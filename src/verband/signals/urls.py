from django.urls import path

from verband.signals import confirm_views, feedback_views, views

app_name = "signals"
urlpatterns = [
    path("meldingen/nieuw/", views.intake_view, name="intake"),
    path("meldingen/te-bevestigen/", confirm_views.queue_view, name="confirm_queue"),
    path("meldingen/<str:reference>/bevestigen/", confirm_views.confirm_view, name="confirm"),
    path("meldingen/<str:reference>/", views.signal_view, name="detail"),
    path("meldingen/<str:reference>/herkennen/", views.recognise_view, name="recognise"),
    path("huishoudens/<str:reference>/terugkoppeling/", feedback_views.feedback_view, name="feedback"),
    path("werkbak/", views.inbox_view, name="inbox"),
    path("werkbak/<int:pk>/oppakken/", views.accept_view, name="accept"),
    path("werkbak/<int:pk>/gezien/", views.acknowledge_view, name="acknowledge"),
    path("werkbak/<int:pk>/teruggeven/", views.hand_back_view, name="hand_back"),
    path("werkbak/<int:pk>/doorsturen/", views.send_on_view, name="send_on"),
]
