from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "verband.plans"
    verbose_name = _("Family plan and regie")

    def ready(self) -> None:
        from verband.households.models import Household
        from verband.plans import shields  # noqa: F401  (registers the plan's default shields)
        from verband.plans.models import FamilyPlan

        def one_plan(
            sender: type, instance: Household, created: bool, raw: bool = False, **kwargs: object
        ) -> None:
            """Every household has its one plan from its first moment (version 0: nobody wrote in it yet), so
            that reading a plan never writes. The households app knows nothing of plans; plans listen."""
            if created and not raw:
                FamilyPlan.objects.create(household=instance)

        post_save.connect(one_plan, sender=Household, dispatch_uid="verband.plans.one_plan", weak=False)
