"""The safety assessment of a household, kept as a history; danger facts for professionals; results of
instruments. Assessments are never changed: a new judgement is a new assessment."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The phased approach to safety (gefaseerd samenwerken aan veiligheid): the target score per phase.
TARGET_DIRECT = 6
TARGET_STABLE = 7


class Phase(models.TextChoices):
    DIRECT = "direct", _("1. Direct safety")
    STABLE = "stable", _("2. Stable safety")
    RECOVERY = "recovery", _("3. Recovery")


PHASE_TARGET = {Phase.DIRECT: TARGET_DIRECT, Phase.STABLE: TARGET_STABLE, Phase.RECOVERY: TARGET_STABLE}


class Profile(models.TextChoices):
    """The five violence profiles (Verwey-Jonker)."""

    INTIMATE_TERROR = "intimate_terror", _("Intimate terror (coercive control)")
    FAMILY_STRESS = "family_stress", _("Family under stress")
    LONG_TERM_CARE = "long_term_care", _("Long-term care needs of a parent")
    CHILD_BEHAVIOUR = "child_behaviour", _("Child behaviour and parenting stress")
    CONFLICT_DIVORCE = "conflict_divorce", _("High-conflict divorce")


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Not known yet")


# The meldcode's weighing questions (afwegingskader, step 4), in short.
WEIGHING_QUESTIONS = [
    ("suspicion", _("Based on what you know, is there a suspicion of domestic violence or child abuse?")),
    ("unsafety", _("Is there acute or structural unsafety?")),
    ("help_possible", _("Can effective help be offered or organised?")),
    ("help_accepted", _("Do those involved accept the help and cooperate?")),
    ("help_effective", _("Does the help lead to the necessary safety within the agreed time?")),
]


class SafetyAssessment(models.Model):
    """One judgement of the household's safety at a moment, by one professional for their organisation."""

    household = models.ForeignKey(
        "households.Household",
        on_delete=models.CASCADE,
        related_name="assessments",
        verbose_name=_("household"),
    )
    assessed_at = models.DateTimeField(_("assessed at"), default=timezone.now, db_index=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessor_name = models.CharField(_("assessed by"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acute = models.BooleanField(
        _("acute unsafety"),
        help_text=_("Direct physical danger: safety is not guaranteed for the coming days."),
    )
    structural = models.BooleanField(
        _("structural unsafety"), help_text=_("Unsafety that repeats or persists.")
    )
    weighing = models.JSONField(_("weighing questions"), default=dict)
    profiles = models.JSONField(_("violence profiles"), default=list)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    balance = models.JSONField(_("Balansmodel factors"), default=list)
    summary = models.TextField(_("summary"), max_length=4000, blank=True)

    class Meta:
        verbose_name = _("safety assessment")
        verbose_name_plural = _("safety assessments")
        ordering = ["-assessed_at", "-pk"]
        indexes = [models.Index(fields=["household", "-assessed_at"])]

    def __str__(self) -> str:
        return f"{self.household} {self.assessed_at:%Y-%m-%d}"

    @property
    def target(self) -> int:
        return PHASE_TARGET[Phase(self.phase)]

    def profile_labels(self) -> list[str]:
        labels = dict(Profile.choices)
        return [str(labels[p]) for p in self.profiles if p in labels]

    def weighing_rows(self) -> list[tuple[str, str]]:
        answers = dict(Answer.choices)
        return [
            (str(text), str(answers.get(self.weighing.get(key, ""), "—"))) for key, text in WEIGHING_QUESTIONS
        ]


class SafetyScore(models.Model):
    """A member's safety on a scale of 1 (very unsafe) to 10 (completely safe): as the professional judges
    it and, where asked, as the member says it."""

    assessment = models.ForeignKey(SafetyAssessment, on_delete=models.CASCADE, related_name="scores")
    person = models.ForeignKey("households.Person", on_delete=models.PROTECT, related_name="+")
    professional = models.PositiveSmallIntegerField(
        _("score by the professional"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    own = models.PositiveSmallIntegerField(
        _("score by the member"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "person"], name="score_once_per_person"),
            models.CheckConstraint(
                condition=Q(professional__gte=1, professional__lte=10), name="score_range"
            ),
            models.CheckConstraint(
                condition=Q(own__isnull=True) | Q(own__gte=1, own__lte=10), name="own_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.professional}"


class DangerKind(models.TextChoices):
    WEAPON = "weapon", _("Weapon present")
    VIOLENCE_PROFESSIONALS = "violence_professionals", _("Earlier violence against professionals")
    AGGRESSIVE_DOG = "aggressive_dog", _("Aggressive dog")
    THREATS = "threats", _("Threatens professionals")
    OTHER = "other", _("Other danger for professionals")


class DangerFactQuerySet(models.QuerySet["DangerFact"]):
    def current(self) -> DangerFactQuerySet:
        return self.filter(ended_at__isnull=True)


class DangerFact(models.Model):
    """A fact that matters to a professional's own safety before a home visit. Shown as a flag to every
    involved professional; ended, never deleted."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="danger_facts"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=DangerKind.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assessment = models.ForeignKey(
        SafetyAssessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="danger_facts"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When to look again whether it still applies: the regisseur gets a task a few working days before
    # (`measures.clocks`).
    review_on = models.DateField(_("review on"), null=True, blank=True)

    objects = DangerFactQuerySet.as_manager()

    class Meta:
        verbose_name = _("danger fact")
        verbose_name_plural = _("danger facts")
        ordering = ["recorded_at", "pk"]
        indexes = [models.Index(fields=["household", "ended_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}{': ' + self.detail if self.detail else ''}"


class InstrumentResult(models.Model):
    """An instrument filled in for a household: the answers, and the score and explanation computed from
    the instrument file of that version."""

    household = models.ForeignKey(
        "households.Household", on_delete=models.CASCADE, related_name="instrument_results"
    )
    assessment = models.ForeignKey(
        SafetyAssessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="instrument_results"
    )
    instrument_code = models.CharField(max_length=64)
    instrument_name = models.CharField(max_length=200)
    instrument_version = models.CharField(max_length=40)
    answers = models.JSONField(default=dict)
    score = models.FloatField(null=True, blank=True)
    level = models.CharField(max_length=60, blank=True)
    label = models.CharField(max_length=200, blank=True)
    complete = models.BooleanField(default=True)
    explanation = models.JSONField(default=list)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "network.Organisation", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.instrument_code} {self.household_id}"
