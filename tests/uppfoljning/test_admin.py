"""The follow-up's admin: every model is there to look up; only the kinds of report may be
changed; a report, its frozen versions and the reminders cannot be changed or deleted."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.uppfoljning.factories import RapportFactory, RapportversionFactory
from uppfoljning.models import Rapport, Rapportversion

pytestmark = pytest.mark.django_db

MODELLER = [
    "rapporttyp",
    "rapportperiod",
    "rapporteringsval",
    "rapport",
    "rapportversion",
    "ekonomirad",
    "prognos",
    "avsnittstext",
    "atgard",
    "atgardsuppfoljning",
    "bilaga",
    "balanskrav",
    "paminnelse",
    "aretsomgick",
]


@pytest.fixture
def superuser(db):
    return UserFactory(username="superuser", is_staff=True, is_superuser=True)


def test_every_model_has_a_list_page(client, superuser):
    RapportversionFactory()
    client.force_login(superuser)
    codes = [client.get(reverse(f"admin:uppfoljning_{m}_changelist")).status_code for m in MODELLER]
    assert codes == [200] * len(MODELLER)


def test_a_frozen_version_cannot_be_changed_or_deleted(client, superuser):
    version = RapportversionFactory(innehall={"schema": 1})
    client.force_login(superuser)
    url = reverse("admin:uppfoljning_rapportversion_change", args=[version.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"slag": "antagen", "innehall": "{}"}).status_code == 403
    delete = reverse("admin:uppfoljning_rapportversion_delete", args=[version.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Rapportversion.objects.get(pk=version.pk).innehall == {"schema": 1}


def test_a_report_cannot_be_changed_in_the_admin(client, superuser):
    rapport = RapportFactory()
    client.force_login(superuser)
    url = reverse("admin:uppfoljning_rapport_change", args=[rapport.pk])
    assert client.post(url, {"status": "antagen"}).status_code == 403
    assert Rapport.objects.get(pk=rapport.pk).status == Rapport.Status.EJ_PABORJAD


def test_a_kind_of_report_can_be_added_in_the_admin(client, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:uppfoljning_rapporttyp_add")).status_code == 200
