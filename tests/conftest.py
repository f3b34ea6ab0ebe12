"""Shared fixtures: a small municipality and the people the access tests need.

kommun
└ KF
  ├ KS ─ KLF (förvaltning)
  ├ BUN ─ BUF (förvaltning) ─ Förskolan (verksamhet) ─ Solrosen, Blåklockan (enheter)
  └ SN ─ SOF (förvaltning) ─ Hemtjänst Norr (enhet)
"""

import pytest
from django.conf import settings

from styrning.models import Organisation, Roll
from tests import rollup_hook
from tests.factories import OrganisationFactory, RollFactory, UserFactory

T = Organisation.Typ


def pytest_configure(config):
    """A fast password hasher: the suite creates hundreds of users and signs them in, and a
    real hasher costs a third of a second each time (Healthchecks does the same)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The page cache in the process (REDIS_URL is for the tests that ask for Redis).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@pytest.fixture(autouse=True)
def _rollup_hook():
    """Rows written straight by a test refresh the stored goal roll-up (tests/rollup_hook.py);
    `without_rollup_hook` turns it off."""
    rollup_hook.connect()
    yield
    rollup_hook.disconnect()


@pytest.fixture
def without_rollup_hook():
    with rollup_hook.off():
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """No page cached by one test is seen by the next (styrning.pagecache)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_content_type_cache():
    """Content types are cached per process; clearing the cache before each test makes a
    test's query count independent of which tests ran before it in the same worker."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Production uses whitenoise's manifest storage, which needs collectstatic first."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def org(db):
    """The small municipality, as a dict keyed by short name."""
    kommun = OrganisationFactory(kod="0000", namn="Testkommun", typ=T.KOMMUN)
    kf = OrganisationFactory(
        kod="KF",
        namn="Kommunfullmäktige",
        forkortning="KF",
        typ=T.KOMMUNFULLMAKTIGE,
        overordnad=kommun,
    )
    ks = OrganisationFactory(
        kod="KS", namn="Kommunstyrelsen", forkortning="KS", typ=T.KOMMUNSTYRELSE, overordnad=kf
    )
    klf = OrganisationFactory(
        kod="KLF", namn="Kommunledningsförvaltningen", typ=T.FORVALTNING, overordnad=ks
    )
    bun = OrganisationFactory(
        kod="BUN",
        namn="Barn- och utbildningsnämnden",
        forkortning="BUN",
        typ=T.NAMND,
        overordnad=kf,
    )
    buf = OrganisationFactory(
        kod="BUF", namn="Barn- och utbildningsförvaltningen", typ=T.FORVALTNING, overordnad=bun
    )
    forskola = OrganisationFactory(
        kod="FSK", namn="Förskoleverksamheten", typ=T.VERKSAMHET, overordnad=buf
    )
    solrosen = OrganisationFactory(
        kod="SOL", namn="Solrosens förskola", typ=T.ENHET, overordnad=forskola
    )
    blaklockan = OrganisationFactory(
        kod="BLA", namn="Blåklockans förskola", typ=T.ENHET, overordnad=forskola
    )
    sn = OrganisationFactory(
        kod="SN", namn="Socialnämnden", forkortning="SN", typ=T.NAMND, overordnad=kf
    )
    sof = OrganisationFactory(
        kod="SOF", namn="Socialförvaltningen", typ=T.FORVALTNING, overordnad=sn
    )
    hemtjanst = OrganisationFactory(kod="HTN", namn="Hemtjänst Norr", typ=T.ENHET, overordnad=sof)
    return {
        "kommun": kommun,
        "kf": kf,
        "ks": ks,
        "klf": klf,
        "bun": bun,
        "buf": buf,
        "forskola": forskola,
        "solrosen": solrosen,
        "blaklockan": blaklockan,
        "sn": sn,
        "sof": sof,
        "hemtjanst": hemtjanst,
    }


def _person(username, roll, organisation):
    user = UserFactory(username=username)
    RollFactory(anvandare=user, organisation=organisation, roll=roll)
    return user


@pytest.fixture
def sekreterare_bun(org):
    """Nämndsekreterare of BUN: edits BUN's documents and those of everything below it."""
    return _person("sekreterare", Roll.Typ.NAMNDSEKRETERARE, org["bun"])


@pytest.fixture
def sekreterare_sn(org):
    """Nämndsekreterare of SN: an outsider to everything of BUN."""
    return _person("sekreterare_sn", Roll.Typ.NAMNDSEKRETERARE, org["sn"])


@pytest.fixture
def chef_solrosen(org):
    return _person("chef", Roll.Typ.CHEF, org["solrosen"])


@pytest.fixture
def chef_blaklockan(org):
    return _person("chef2", Roll.Typ.CHEF, org["blaklockan"])


@pytest.fixture
def fortroendevald_bun(org):
    """A politician of BUN: reads BUN's internal material, changes nothing."""
    return _person("politiker", Roll.Typ.FORTROENDEVALD, org["bun"])


@pytest.fixture
def controller(org):
    return _person("controller", Roll.Typ.CONTROLLER, org["klf"])


@pytest.fixture
def administrator(org):
    return _person("admin", Roll.Typ.ADMINISTRATOR, org["kommun"])


@pytest.fixture
def utomstaende(db):
    """Signed in, but with no role anywhere."""
    return UserFactory(username="utomstaende")
