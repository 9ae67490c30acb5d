"""Password sign-in: Django's model backend, except that demo accounts sign in only in demo mode."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend


class VerbandModelBackend(ModelBackend):
    def user_can_authenticate(self, user: Any) -> bool:
        return (
            bool(user.may_sign_in()) if hasattr(user, "may_sign_in") else super().user_can_authenticate(user)
        )

    def get_user(self, user_id: Any) -> Any:
        # An existing session of a demo account ends when demo mode is turned off.
        user = super().get_user(user_id)
        return user if user is not None and user.may_sign_in() else None
