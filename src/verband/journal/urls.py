from django.urls import path

from verband.journal import views

app_name = "journal"
urlpatterns = [
    path("huishoudens/<str:reference>/journaal/", views.journal_view, name="journal"),
    path("huishoudens/<str:reference>/journaal/nieuw/", views.new_view, name="new"),
    path("huishoudens/<str:reference>/journaal/<int:pk>/", views.entry_view, name="entry"),
    path("huishoudens/<str:reference>/journaal/<int:pk>/corrigeren/", views.correct_view, name="correct"),
    path("huishoudens/<str:reference>/documenten/", views.documents_view, name="documents"),
    path("huishoudens/<str:reference>/documenten/<int:pk>/", views.download_view, name="download"),
]
