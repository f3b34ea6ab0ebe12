"""Every dokument page has its own <title> and exactly one <h1>."""

import datetime
import re

import pytest
from django.urls import reverse

from dokument import services
from tests.dokument.conftest import header


def _title_and_h1s(response) -> tuple[str, int]:
    html = response.content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()
    return title, len(re.findall(r"<h1[\s>]", html))


@pytest.fixture
def revised(make_dokument, administrator, org):
    dokument = make_dokument(titel="Riktlinjer för skolskjuts", typ="Reglemente", agare="kf")
    ny = services.revidera_dokument(
        user=administrator,
        dokument=dokument,
        data=header(
            titel="Riktlinjer för skolskjuts",
            faststalld_av=org["kf"],
            beslutsdatum=datetime.date(2025, 1, 1),
        ),
    )
    services.publicera_version(user=administrator, version=ny)
    return dokument


def test_each_page_has_its_title_and_one_h1(client, revised, administrator):
    client.force_login(administrator)
    pages = {
        "lista": reverse("dokument:lista"),
        "detalj": reverse("dokument:detalj", args=[revised.pk]),
        "version": reverse("dokument:version", args=[revised.pk, 1]),
        "jamfor": reverse("dokument:jamfor", args=[revised.pk]),
        "forfattningssamling": reverse("dokument:forfattningssamling"),
        "granskning": reverse("dokument:granskning"),
        "registrera": reverse("dokument:registrera"),
    }

    found = {name: _title_and_h1s(client.get(url)) for name, url in pages.items()}

    assert found == {
        "lista": ("Styrdokument – Ådalens kommun", 1),
        "detalj": ("Riktlinjer för skolskjuts – Ådalens kommun", 1),
        "version": ("Riktlinjer för skolskjuts, version 1 – Ådalens kommun", 1),
        "jamfor": ("Jämför versioner: Riktlinjer för skolskjuts – Ådalens kommun", 1),
        "forfattningssamling": ("Författningssamling – Ådalens kommun", 1),
        "granskning": ("Aktualitetsprövning av styrdokument – Ådalens kommun", 1),
        "registrera": ("Registrera styrdokument – Ådalens kommun", 1),
    }
