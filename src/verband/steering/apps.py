from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SteeringConfig(AppConfig):
    name = "verband.steering"
    verbose_name = _("Steering")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from verband.steering.engine import register_sqlite_functions

        # The engine's SQL asks SQLite for the local date of a UTC timestamp (PostgreSQL and DuckDB have
        # AT TIME ZONE).
        connection_created.connect(register_sqlite_functions, dispatch_uid="steering_sqlite_functions")
