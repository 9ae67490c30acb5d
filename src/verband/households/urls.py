from django.urls import path

from verband.households import views

app_name = "households"

urlpatterns = [
    path("huishoudens/<str:reference>/", views.household_view, name="detail"),
    path("huishoudens/<str:reference>/relaties/", views.relation_view, name="relation"),
    path("huishoudens/<str:reference>/tijdlijn/", views.timeline_view, name="timeline"),
    path("huishoudens/<str:reference>/adressen/", views.addresses_view, name="addresses"),
    path("huishoudens/<str:reference>/adressen/besluit/", views.address_action_view, name="address_action"),
    path(
        "huishoudens/<str:reference>/betrokken/<int:pk>/eerste-contact/",
        views.first_contact_view,
        name="first_contact",
    ),
]
