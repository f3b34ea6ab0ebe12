"""The demo documents: the statute book shows a repeal history, the demo nämndsekreterare has
versions waiting, and a second run adds nothing."""

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from dokument.demo import load_dokument
from dokument.models import Dokument, Dokumentversion
from dokument.queries import vantande_for_user
from styrning.demo import load_organisation


def _counts():
    return (Dokument.objects.count(), Dokumentversion.objects.count(), Dokument.history.count())


def test_demo_has_repeal_history_and_waiting_versions_and_is_idempotent(db):
    load_organisation(lambda _: None)
    load_dokument(lambda _: None)
    first = _counts()
    sekreterare = get_user_model().objects.get(username="sekreterare")

    load_dokument(lambda _: None)

    ended = Dokument.objects.exclude(kfs_nummer="").exclude(status=Dokument.Status.GALLANDE)
    assert _counts() == first
    assert sorted(ended.values_list("status", flat=True)) == [
        "ersatt",
        "ersatt",
        "upphavd",
        "upphavd",
    ]
    waiting = {v.status for d in vantande_for_user(sekreterare) for v in d.vantande}
    assert waiting == {"utkast", "faststalld"}
    page = Client().get(reverse("dokument:forfattningssamling"))
    assert len(page.context["upphavda"]) == 4
