from django.urls import path

from verband.rights import views

app_name = "rights"

urlpatterns = [
    path("huishoudens/<str:reference>/verzoeken/", views.requests_view, name="requests"),
    path("huishoudens/<str:reference>/verzoeken/<int:pk>/", views.request_view, name="request"),
    path("huishoudens/<str:reference>/verzoeken/<int:pk>/besluiten/", views.decide_view, name="decide"),
    path("huishoudens/<str:reference>/verzoeken/<int:pk>/verlengen/", views.extend_view, name="extend"),
    path("huishoudens/<str:reference>/verzoeken/<int:pk>/geleverd/", views.deliver_view, name="deliver"),
    path("huishoudens/<str:reference>/verzoeken/<int:pk>/identiteit/", views.identity_view, name="identity"),
    path(
        "huishoudens/<str:reference>/verzoeken/<int:pk>/inzage.pdf",
        views.export_view,
        {"fmt": "pdf"},
        name="export_pdf",
    ),
    path(
        "huishoudens/<str:reference>/verzoeken/<int:pk>/inzage.json",
        views.export_view,
        {"fmt": "json"},
        name="export_json",
    ),
    path("verzoeken-avg/", views.region_view, name="region"),
]
