"""Who sees secrets (issue 8): unpublished and confidential versions reach only those the rule
in `styrning.permissions` names. A politician reads the internal material of the bodies they
sit in and what those bodies are to decide, not everything below them; a confidential version
is read only by those who handle the owner's documents and by administrators."""

import pytest
from django.urls import reverse

from dokument import services
from styrning.models import Roll
from tests.dokument.conftest import header
from tests.factories import RollFactory

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Skyddade personuppgifter i skolskjutsen"
DRAFT_TITLE = "Utkast till riktlinjer för modersmål"


@pytest.fixture
def fortroendevald_kf(org):
    return RollFactory(organisation=org["kf"], roll=Roll.Typ.FORTROENDEVALD).anvandare


@pytest.fixture
def chef_hemtjanst(org):
    return RollFactory(organisation=org["hemtjanst"], roll=Roll.Typ.CHEF).anvandare


@pytest.fixture
def confidential_draft(make_dokument):
    """BUN's draft that carries sekretess: nobody but BUN's document handlers and the
    administrators may know it exists."""
    return make_dokument(
        publish=False,
        titel=SECRET_TITLE,
        sekretess=True,
        sekretess_paragraf="23 kap. 1 § OSL",
    )


@pytest.fixture
def namnd_draft(make_dokument):
    """BUN's own unpublished document, to be adopted by BUN."""
    return make_dokument(publish=False, titel=DRAFT_TITLE)


@pytest.fixture
def published_with_secret_revision(make_dokument, administrator, org, beslut):
    """A document in force whose pending revision carries sekretess."""
    dokument = make_dokument()
    services.revidera_dokument(
        user=administrator,
        dokument=dokument,
        data=header(
            titel=SECRET_TITLE,
            faststalld_av=org["bun"],
            sekretess=True,
            sekretess_paragraf="23 kap. 1 § OSL",
        ),
    )
    return dokument


def _get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


def _actor(request, name):
    return None if name == "anonymous" else request.getfixturevalue(name)


# --- A confidential draft ----------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["sekreterare_bun", "administrator"])
def test_confidential_draft_is_read_by_the_bodys_handlers_and_administrators(
    client, request, confidential_draft, actor
):
    user = _actor(request, actor)

    detail = _get(client, user, reverse("dokument:detalj", args=[confidential_draft.pk]))
    version = client.get(reverse("dokument:version", args=[confidential_draft.pk, 1]))

    assert detail.status_code == 200
    assert SECRET_TITLE in detail.content.decode()
    assert version.status_code == 200


@pytest.mark.parametrize(
    "actor",
    [
        "controller",
        "fortroendevald_bun",
        "fortroendevald_kf",
        "chef_solrosen",
        "chef_hemtjanst",
        "sekreterare_sn",
        "utomstaende",
        "anonymous",
    ],
)
def test_confidential_draft_does_not_exist_for_anyone_else(
    client, request, confidential_draft, actor
):
    user = _actor(request, actor)
    pk = confidential_draft.pk

    urls = [
        reverse("dokument:detalj", args=[pk]),
        reverse("dokument:version", args=[pk, 1]),
        reverse("dokument:version_pdf", args=[pk, 1]),
        reverse("dokument:pdf", args=[pk]),
    ]
    if user is not None:
        client.force_login(user)

    assert [client.get(url).status_code for url in urls] == [404, 404, 404, 404]


def test_confidential_revision_is_hidden_from_a_controller_who_reads_the_document(
    client, controller, published_with_secret_revision
):
    pk = published_with_secret_revision.pk
    client.force_login(controller)

    detail = client.get(reverse("dokument:detalj", args=[pk]))
    secret = client.get(reverse("dokument:version", args=[pk, 2]))
    public = client.get(reverse("dokument:version", args=[pk, 1]))

    assert detail.status_code == 200
    assert SECRET_TITLE not in detail.content.decode()
    assert secret.status_code == 404
    assert public.status_code == 200


def test_confidential_revision_is_read_by_the_bodys_secretary(
    client, sekreterare_bun, published_with_secret_revision
):
    client.force_login(sekreterare_bun)

    response = client.get(reverse("dokument:version", args=[published_with_secret_revision.pk, 2]))

    assert response.status_code == 200
    assert SECRET_TITLE in response.content.decode()


def test_confidential_version_is_not_read_by_the_politicians_of_its_adopting_body(
    client, make_dokument, org, fortroendevald_bun
):
    dokument = make_dokument(
        agare="buf",
        publish=False,
        faststalld_av=org["bun"],
        titel=SECRET_TITLE,
        sekretess=True,
        sekretess_paragraf="23 kap. 1 § OSL",
    )
    client.force_login(fortroendevald_bun)

    response = client.get(reverse("dokument:detalj", args=[dokument.pk]))

    assert response.status_code == 404


# --- An unpublished document of a nämnd -----------------------------------------------------------


@pytest.mark.parametrize(
    "actor", ["sekreterare_bun", "fortroendevald_bun", "controller", "administrator"]
)
def test_unpublished_namnd_document_is_read_by_its_insiders(client, request, namnd_draft, actor):
    response = _get(
        client, _actor(request, actor), reverse("dokument:detalj", args=[namnd_draft.pk])
    )

    assert response.status_code == 200
    assert DRAFT_TITLE in response.content.decode()


@pytest.mark.parametrize(
    "actor",
    [
        "fortroendevald_kf",
        "chef_solrosen",
        "chef_hemtjanst",
        "sekreterare_sn",
        "utomstaende",
        "anonymous",
    ],
)
def test_unpublished_namnd_document_is_not_found_by_others(client, request, namnd_draft, actor):
    response = _get(
        client, _actor(request, actor), reverse("dokument:detalj", args=[namnd_draft.pk])
    )

    assert response.status_code == 404


def test_politician_may_read_but_not_change_the_bodys_draft(
    client, namnd_draft, fortroendevald_bun
):
    client.force_login(fortroendevald_bun)

    response = client.get(reverse("dokument:andra", args=[namnd_draft.pk, 1]))

    assert response.status_code == 403


def test_anonymous_reaching_a_staff_page_of_a_draft_is_sent_to_the_login(client, namnd_draft):
    response = client.get(reverse("dokument:andra", args=[namnd_draft.pk, 1]))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- What a body is to decide ---------------------------------------------------------------------


def test_politician_reads_what_the_body_is_to_decide_but_not_its_internals(
    client, make_dokument, org, fortroendevald_bun
):
    """BUF prepares a document for BUN to adopt: BUN's politicians read it before the meeting
    (but not the förvaltning's review notes and log), KF's do not."""
    dokument = make_dokument(
        agare="buf", publish=False, faststalld_av=org["bun"], titel=DRAFT_TITLE
    )
    client.force_login(fortroendevald_bun)

    detail = client.get(reverse("dokument:detalj", args=[dokument.pk]))
    version = client.get(reverse("dokument:version", args=[dokument.pk, 1]))

    assert detail.status_code == 200
    assert DRAFT_TITLE in detail.content.decode()
    assert detail.context["insider"] is False
    assert version.status_code == 200


def test_kf_politician_reads_what_kf_is_to_decide_only(
    client, make_dokument, org, fortroendevald_kf
):
    for_kf = make_dokument(agare="ks", publish=False, faststalld_av=org["kf"], titel=DRAFT_TITLE)
    for_ks = make_dokument(agare="ks", publish=False, faststalld_av=org["ks"])
    client.force_login(fortroendevald_kf)

    assert client.get(reverse("dokument:detalj", args=[for_kf.pk])).status_code == 200
    assert client.get(reverse("dokument:detalj", args=[for_ks.pk])).status_code == 404


def test_document_choices_hold_only_documents_the_user_may_read(
    client, namnd_draft, confidential_draft, make_dokument, fortroendevald_kf
):
    """dokument_for_user feeds every choice of documents: what is hidden on its page is not
    listed elsewhere either."""
    from dokument.queries import dokument_for_user

    public = make_dokument(titel="Gällande riktlinjer")

    visible = set(dokument_for_user(fortroendevald_kf).values_list("pk", flat=True))

    assert visible == {public.pk}
