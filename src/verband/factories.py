"""Test data factories (factory-boy) for the core models: one source of test data for every app's tests.

Every factory gives a valid object with plain, deterministic defaults (sequences, no random data), so a
test names only what matters to it: `HouseholdFactory(region=world.region)`,
`MembershipFactory(organisation=org, team=team, role=Role.LINE_MANAGER)`. Writes that the application
always makes through a service go through that service here too: an `InvolvementFactory` calls
`sharing.services.involve` (as Verband itself), validated and logged as in real use.

Only tests import this module (factory-boy is a development dependency)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import factory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from verband.accounts.models import User
from verband.actors import SYSTEM
from verband.households.models import Address, Household, HouseholdMember, MemberRole, Person
from verband.network.models import Membership, Network, Organisation, OrganisationKind, Region, Role, Team
from verband.plans.models import FamilyPlan
from verband.sharing import services as sharing_services
from verband.sharing.models import Involvement, LegalBasis, Purpose
from verband.signals.models import Activation, Signal, SignalKind, SignalStatus

PASSWORD = "Een-lang-test-wachtwoord-42"  # noqa: S105

GIVEN_NAMES = ["Anna", "Bram", "Carla", "Dirk", "Eva", "Fatima", "Gijs", "Hatice", "Ilse", "Jan"]


class RegionFactory(factory.django.DjangoModelFactory[Region]):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Regio {n}")
    code = factory.Sequence(lambda n: f"regio-{n}")


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Organisatie {n}")
    kind = OrganisationKind.NEIGHBOURHOOD_TEAM


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class NetworkFactory(factory.django.DjangoModelFactory[Network]):
    """A network; `NetworkFactory(organisations=[a, b])` sets the organisations that take part."""

    class Meta:
        model = Network
        skip_postgeneration_save = True

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"Netwerk {n}")

    @factory.post_generation
    def organisations(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.organisations.set(extracted)


class UserFactory(factory.django.DjangoModelFactory[User]):
    """A user with the test password (hashed by the configured hasher) and, unless `device=False`, a
    confirmed authenticator app, so `testing.sign_in` can complete both steps."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    password = factory.django.Password(PASSWORD)
    first_name = factory.LazyAttribute(lambda u: u.username.title())
    last_name = "Test"

    @factory.post_generation
    def device(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            TOTPDevice.objects.create(user=self, name="test", confirmed=True)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    """A person working for an organisation (in a team when `team` is given: the organisation follows
    from it), a professional unless `role` says otherwise. `networks=[...]` puts the membership in
    networks."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    team = None
    organisation = factory.Maybe(
        "team",
        yes_declaration=factory.SelfAttribute("team.organisation"),
        no_declaration=factory.SubFactory(OrganisationFactory),
    )
    role = Role.PROFESSIONAL

    @factory.post_generation
    def networks(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.networks.set(extracted)


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    class Meta:
        model = Person

    given_names = factory.Iterator(GIVEN_NAMES)
    family_name = factory.Sequence(lambda n: f"Jansen{n}")


class AddressFactory(factory.django.DjangoModelFactory[Address]):
    class Meta:
        model = Address

    person = factory.SubFactory(PersonFactory)
    street = "Dorpsstraat"
    house_number = factory.Sequence(lambda n: str(n + 1))
    postcode = "1012AB"
    city = "Testdorp"


class HouseholdFactory(factory.django.DjangoModelFactory[Household]):
    class Meta:
        model = Household

    reference = factory.Sequence(lambda n: f"HH-F-{n:04d}")
    region = factory.SubFactory(RegionFactory)


class HouseholdMemberFactory(factory.django.DjangoModelFactory[HouseholdMember]):
    class Meta:
        model = HouseholdMember

    household = factory.SubFactory(HouseholdFactory)
    person = factory.SubFactory(PersonFactory)
    role = MemberRole.VICTIM


class InvolvementFactory(factory.django.DjangoModelFactory[Involvement]):
    """An involvement made as Verband makes one (`sharing.services.involve`, acting as the system): give
    exactly one of `team`, `network` or `organisation`; a team by default."""

    class Meta:
        model = Involvement

    household = factory.SubFactory(HouseholdFactory)
    team = factory.SubFactory(TeamFactory)
    network = None
    organisation = None
    purpose = Purpose.HELP
    legal_basis = LegalBasis.LEGAL_TASK
    started_on = date(2026, 1, 5)

    @classmethod
    def _create(cls, model_class: type[Involvement], *args: Any, **kwargs: Any) -> Involvement:
        household = kwargs.pop("household")
        return sharing_services.involve(SYSTEM, household, **kwargs)


class SignalFactory(factory.django.DjangoModelFactory[Signal]):
    """A signal as stored after intake and routing, without going through them (recognition, routing
    rules): for tests of what happens to a signal afterwards. Tests of intake use
    `signals.services.receive`."""

    class Meta:
        model = Signal

    reference = factory.Sequence(lambda n: f"SG-F-{n:05d}")
    region = factory.SubFactory(RegionFactory)
    household = factory.SubFactory(HouseholdFactory, region=factory.SelfAttribute("..region"))
    kind = SignalKind.REPORT
    channel = "web"
    description = "Buren horen geschreeuw en gestommel."
    status = SignalStatus.ROUTED
    routed_at = factory.LazyFunction(timezone.now)


class ActivationFactory(factory.django.DjangoModelFactory[Activation]):
    """An open activation of a team for a signal's household, due in `norm_working_days` (calendar days
    here: tests that are about the working-day clock set `due_on` themselves)."""

    class Meta:
        model = Activation

    signal = factory.SubFactory(SignalFactory)
    household = factory.SelfAttribute("signal.household")
    team = factory.SubFactory(TeamFactory)
    purpose = Purpose.SAFETY_ASSESSMENT
    reason = "Elke melding: veiligheidsbeoordeling"
    norm_working_days = 5
    due_on = factory.LazyAttribute(lambda a: timezone.localdate() + timedelta(days=a.norm_working_days))


class FamilyPlanFactory(factory.django.DjangoModelFactory[FamilyPlan]):
    """A household's one plan with these fields (the plan the household already has, updated, or a new
    one), before its first save: version 0. Plans change through `plans.services.save_plan`."""

    class Meta:
        model = FamilyPlan

    household = factory.SubFactory(HouseholdFactory)

    @classmethod
    def _create(cls, model_class: type[FamilyPlan], *args: Any, **kwargs: Any) -> FamilyPlan:
        household = kwargs.pop("household")
        plan, _ = model_class.objects.update_or_create(household=household, defaults=kwargs)
        return plan
