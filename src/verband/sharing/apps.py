from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "verband.sharing"
    verbose_name = _("Sharing and access")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from verband.sharing.signin_alarm import failed_sign_in

        user_login_failed.connect(failed_sign_in, dispatch_uid="verband.sharing.signin_alarm")
