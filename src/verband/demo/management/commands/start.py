"""`verband start`: prepare the database, load the demo region (in demo mode), and serve Verband with a
background worker (`manage.py worker`: the task queue and the periodic sweeps) beside it."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from verband.demo import region


class Command(BaseCommand):
    help = "Migrate, load the demo region (demo mode), collect static files and serve Verband with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("VERBAND_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("VERBAND_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--no-serve", action="store_true", help="Prepare everything but do not start the server."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        if settings.DEMO_MODE:
            call_command("load_demo", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        address = f"http://{options['host']}:{options['port']}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Verband is starting at {address}"))
        if settings.DEMO_MODE:
            self._print_demo_logins()
        self.stdout.flush()
        if options["no_serve"]:
            return
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "verband.wsgi:application",
            "--bind",
            f"{options['host']}:{options['port']}",
            "--workers",
            str(options["workers"]),
            "--threads",
            "4",
            # The folder that holds the verband package, also when it runs from a checkout without install.
            "--pythonpath",
            str(settings.BASE_DIR.parent),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            "127.0.0.1",
        ]
        # The background worker (tasks and the schedule of the periodic sweeps) runs next to the server, in
        # the same process group, so Ctrl-C stops both. Quiet: no line per task; failures are still logged.
        subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "django",
                "worker",
                "--verbosity",
                "0",
                "--settings",
                "verband.settings",
                "--pythonpath",
                str(settings.BASE_DIR.parent),
            ]
        )
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with the server

    def _print_demo_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(
            f"Demo mode: invented data only. Demo logins (password for all: {region.DEMO_PASSWORD}):"
        )
        for username, first, last, org, team, role, title, _networks, _staff in region.USERS:
            where = team or org
            self.stdout.write(f"  {username:<15} {role:<20} {first} {last}, {title} ({where})")
        self.stdout.write("The one-time code of a demo login is shown on the sign-in page (demo banner).")
        self.stdout.write("Demo API tokens (Authorization: Bearer <token>):")
        for org, _name, raw, scopes in region.API_TOKENS:
            self.stdout.write(f"  {org:<15} {raw}  ({', '.join(scopes)})")
        self.stdout.write("")
