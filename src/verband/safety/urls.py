from django.urls import path

from verband.safety import views

app_name = "safety"
urlpatterns = [
    path("huishoudens/<str:reference>/veiligheid/", views.safety_view, name="page"),
    path("huishoudens/<str:reference>/gevaar/", views.danger_add_view, name="danger_add"),
    path("huishoudens/<str:reference>/gevaar/<int:pk>/vervallen/", views.danger_end_view, name="danger_end"),
    path("huishoudens/<str:reference>/instrument/<slug:code>/", views.instrument_view, name="instrument"),
]
