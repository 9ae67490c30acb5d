from django.urls import path

from verband.portal import door_views, member_views
from verband.portal.oidc import DoorOIDCCallbackView, DoorOIDCRequestView

app_name = "portal"

urlpatterns = [
    # Getting in (door_views): the invitation, signing in and out, the quick exit.
    path("uitnodiging/", door_views.redeem_view, name="redeem"),
    path("uitnodiging/account/", door_views.redeem_account_view, name="redeem_account"),
    path("uitnodiging/app/", door_views.redeem_app_view, name="redeem_app"),
    path("uitnodiging/e-mail/", door_views.redeem_email_view, name="redeem_email"),
    path("aanmelden/", door_views.login_view, name="login"),
    path("aanmelden/code/", door_views.verify_view, name="verify"),
    path("afmelden/", door_views.logout_view, name="logout"),
    path("snel-weg/", door_views.quick_exit_view, name="quick_exit"),
    # A citizen identity provider, by configuration (portal.oidc).
    path("uitnodiging/koppelen/", door_views.oidc_link_view, name="oidc_link"),
    path("oidc/start/", DoorOIDCRequestView.as_view(), name="oidc_start"),
    path("oidc/terug/", DoorOIDCCallbackView.as_view(), name="oidc_callback"),
    path("oidc/klaar/", door_views.oidc_done_view, name="oidc_done"),
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
