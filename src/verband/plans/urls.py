from django.urls import path

from verband.plans import views

app_name = "plans"
urlpatterns = [
    path("huishoudens/<str:reference>/plan/", views.plan_view, name="plan"),
    path("huishoudens/<str:reference>/plan/bewerken/", views.plan_edit_view, name="edit"),
    path("huishoudens/<str:reference>/plan/versies/", views.versions_view, name="versions"),
    path("huishoudens/<str:reference>/plan/gezinsplan.pdf", views.plan_pdf_view, name="pdf"),
    path("huishoudens/<str:reference>/plan/rij/", views.plan_row_view, name="edit_row"),
    path("acties/<int:pk>/status/", views.action_status_view, name="action_status"),
    path("huishoudens/<str:reference>/regie/", views.regie_request_view, name="regie_request"),
    path(
        "huishoudens/<str:reference>/regie/<int:pk>/intrekken/",
        views.regie_withdraw_view,
        name="regie_withdraw",
    ),
    path("huishoudens/<str:reference>/regie/beeindigen/", views.regie_end_view, name="regie_end"),
    path("regie/<int:pk>/", views.regie_accept_view, name="regie_accept"),
    path("regie/mandaten/", views.mandates_view, name="mandates"),
    path("regie/mandaat/<int:pk>/", views.mandate_view, name="mandate"),
]
