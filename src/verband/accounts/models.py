"""People who sign in, and the API tokens organisations' systems use."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    oidc_subject = models.CharField(
        _("OpenID Connect subject"),
        max_length=255,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The identifier the region's identity provider uses for this person."),
    )
    # Made by the demo loader, with a published password and a second factor anyone can compute: such
    # an account signs in only while demo mode is on.
    is_demo = models.BooleanField(_("demo account"), default=False, editable=False)
    # A member of a household who signs in at the household's own door (`verband.portal`): such an
    # account has no membership and reaches only /thuis/.
    household_member = models.BooleanField(_("household member"), default=False, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def may_sign_in(self) -> bool:
        from django.conf import settings

        return self.is_active and (settings.DEMO_MODE or not self.is_demo)


class ApiScope(models.TextChoices):
    NETWORK_READ = "network:read", _("Read the network (partners, teams, coverage)")
    HOUSEHOLDS_READ = "households:read", _("Read households the organisation is involved with")
    SIGNALS_WRITE = "signals:write", _("Register signals (reports, advice requests)")
    SAFETY_WRITE = "safety:write", _("Record safety assessments and danger facts")
    PLANS_WRITE = "plans:write", _("Report progress on family plan actions")


TOKEN_PREFIX = "vbd_"  # noqa: S105 - a prefix, not a secret


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        from django.conf import settings

        now = timezone.now()
        tokens = self.filter(
            revoked_at__isnull=True, organisation__active=True, approved_at__isnull=False
        ).filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))
        # Demo tokens are published in the README: they open nothing once demo mode is off.
        return tokens if settings.DEMO_MODE else tokens.filter(is_demo=False)


class FourEyes(models.Model):
    """A grant of access (a membership, an API token) that, granted or widened in the admin, is in force
    only once a second person of the organisation approved it (`sharing.grants`). Made by the system (the
    demo, an import): approved when made."""

    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True


class ApiToken(FourEyes):
    """A bearer token for one organisation's system. Only a hash is stored; the token itself is shown
    once, when it is made."""

    organisation = models.ForeignKey(
        "network.Organisation",
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=120, help_text=_("Which system uses this token."))
    prefix = models.CharField(_("prefix"), max_length=16, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    is_demo = models.BooleanField(_("demo token"), default=False, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def set_token(self, raw: str | None = None) -> str:
        raw = raw or TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.prefix = raw[:10]
        self.token_hash = hash_token(raw)
        return raw

    @property
    def scope_labels(self) -> list[str]:
        """The scopes in words (for the people who approve a token)."""
        labels = dict(ApiScope.choices)
        return [str(labels.get(scope, scope)) for scope in self.scopes]

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
