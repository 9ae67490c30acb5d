from django.urls import path

from verband.escalation import views

app_name = "escalation"
urlpatterns = [
    path("escalaties/", views.list_view, name="list"),
    path("escalaties/<int:pk>/", views.detail_view, name="detail"),
    path("huishoudens/<str:reference>/beslissing-vragen/", views.ask_view, name="ask"),
    path("tussen-wal-en-schip/", views.monitor_view, name="monitor"),
    path("tussen-wal-en-schip/<int:pk>/escaleren/", views.escalate_listed_view, name="escalate_listed"),
]
