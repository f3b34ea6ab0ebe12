"""Fixtures of the dokument tests: Borås' types and a few documents on the small municipality."""

import datetime

import pytest

from dokument import services
from dokument.demo import load_types
from styrning.models import Organisation

T = Organisation.Typ


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def typer(db):
    """Borås' document types and adoption matrix, as the demo loads them."""
    return load_types()


@pytest.fixture
def beslut():
    return datetime.date(2024, 3, 1)


def header(**overrides) -> dict:
    data = {
        "titel": "Riktlinjer för skolskjuts",
        "text": "## Syfte\n\nEleverna ska ha en trygg skolväg.",
        "faststalld_av": None,
        "beslutsdatum": None,
        "paragraf": "",
        "diarienummer": "",
        "revideringsansvarig": "Barn- och utbildningsförvaltningen",
        "uppfoljningsansvarig": "Barn- och utbildningsnämnden",
        "giltig_fran": None,
        "giltig_till": None,
        "dokumentansvarig": None,
        "sekretess": False,
        "sekretess_paragraf": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_dokument(org, typer, administrator, beslut):
    """Register (and by default adopt and publish) a document through the services."""

    def make(
        typ="Riktlinje",
        agare="bun",
        publish=True,
        overordnade=(),
        **overrides,
    ):
        owner = org[agare]
        data = header(
            **{"faststalld_av": owner, "beslutsdatum": beslut, "paragraf": "§ 12", **overrides}
        )
        dokument = services.registrera_dokument(
            user=administrator,
            typ=typer[typ],
            agare=owner,
            data=data,
            overordnade=overordnade,
        )
        if publish:
            services.publicera_version(
                user=administrator,
                version=dokument.versioner.get(versionsnummer=1),
                bekraftat_personnummer=True,
            )
        dokument.refresh_from_db()
        return dokument

    return make
