import pytest

from styrning import permissions


@pytest.mark.django_db
def test_chef_of_one_enhet_sees_nothing_internal_of_another(org, chef_solrosen):
    assert permissions.can_view_internal(chef_solrosen, org["solrosen"].pk) is True
    assert permissions.can_view_internal(chef_solrosen, org["blaklockan"].pk) is False
    assert permissions.can_view_internal(chef_solrosen, org["forskola"].pk) is False


@pytest.mark.django_db
def test_role_on_forvaltning_covers_its_enheter(org):
    from styrning.models import Roll
    from tests.factories import RollFactory

    role = RollFactory(organisation=org["buf"], roll=Roll.Typ.CHEF)
    user = role.anvandare

    assert permissions.reporter_ids(user) == {
        org["buf"].pk,
        org["forskola"].pk,
        org["solrosen"].pk,
        org["blaklockan"].pk,
    }


@pytest.mark.django_db
def test_namndsekreterare_edits_documents_of_own_namnd_and_below_only(org, sekreterare_bun):
    assert permissions.can_edit_documents(sekreterare_bun, org["bun"].pk) is True
    assert permissions.can_edit_documents(sekreterare_bun, org["solrosen"].pk) is True
    assert permissions.can_edit_documents(sekreterare_bun, org["sn"].pk) is False
    assert permissions.can_edit_documents(sekreterare_bun, org["kf"].pk) is False


@pytest.mark.django_db
def test_ks_secretary_and_controller_handle_kf_and_ks_documents(org, controller):
    from styrning.models import Roll
    from tests.factories import RollFactory

    ks_sekreterare = RollFactory(organisation=org["ks"], roll=Roll.Typ.NAMNDSEKRETERARE).anvandare

    for user in (ks_sekreterare, controller):
        assert permissions.can_edit_documents(user, org["kf"].pk) is True
        assert permissions.can_edit_documents(user, org["ks"].pk) is True
        assert permissions.can_edit_documents(user, org["bun"].pk) is False


@pytest.mark.django_db
def test_fortroendevald_reads_internal_of_own_body_but_edits_nothing(org, fortroendevald_bun):
    assert permissions.can_view_internal(fortroendevald_bun, org["bun"].pk) is True
    assert permissions.can_edit_documents(fortroendevald_bun, org["bun"].pk) is False
    assert permissions.can_report(fortroendevald_bun, org["solrosen"].pk) is False
    assert permissions.can_view_internal(fortroendevald_bun, org["sn"].pk) is False


@pytest.mark.django_db
def test_controller_and_administrator_cover_the_whole_tree(org, controller, administrator):
    every = {o.pk for o in org.values()}
    assert permissions.internal_ids(controller) == every
    assert permissions.reporter_ids(controller) == every
    assert permissions.document_editor_ids(administrator) == every


def test_anonymous_has_no_access():
    from django.contrib.auth.models import AnonymousUser

    assert permissions.internal_ids(AnonymousUser()) == frozenset()
    assert permissions.is_staff_member(AnonymousUser()) is False


# --- Who sees secrets (issue 8) -------------------------------------------------------------


@pytest.fixture
def fortroendevald_kf(org):
    from styrning.models import Roll
    from tests.factories import RollFactory

    return RollFactory(organisation=org["kf"], roll=Roll.Typ.FORTROENDEVALD).anvandare


@pytest.mark.django_db
def test_fortroendevald_reads_own_body_not_the_organisation_below(org, fortroendevald_kf):
    assert permissions.internal_ids(fortroendevald_kf) == {org["kf"].pk}
    assert permissions.can_view_internal(fortroendevald_kf, org["bun"].pk) is False
    assert permissions.can_view_internal(fortroendevald_kf, org["solrosen"].pk) is False


@pytest.mark.django_db
def test_fortroendevald_of_bun_reads_bun_only(org, fortroendevald_bun):
    assert permissions.internal_ids(fortroendevald_bun) == {org["bun"].pk}
    assert permissions.deciding_body_ids(fortroendevald_bun) == {org["bun"].pk}


@pytest.mark.django_db
def test_chef_and_secretary_keep_their_subtree(org, chef_solrosen, sekreterare_bun):
    assert permissions.internal_ids(chef_solrosen) == {org["solrosen"].pk}
    assert permissions.internal_ids(sekreterare_bun) == {
        org[k].pk for k in ("bun", "buf", "forskola", "solrosen", "blaklockan")
    }
    assert permissions.deciding_body_ids(sekreterare_bun) == frozenset()


@pytest.mark.django_db
def test_ks_secretary_reads_kf_material_it_handles(org):
    from styrning.models import Roll
    from tests.factories import RollFactory

    ks_sekreterare = RollFactory(organisation=org["ks"], roll=Roll.Typ.NAMNDSEKRETERARE).anvandare

    assert permissions.can_view_internal(ks_sekreterare, org["kf"].pk) is True


@pytest.mark.django_db
def test_confidential_only_for_the_bodys_document_handlers_and_administrators(
    org, sekreterare_bun, chef_solrosen, controller, administrator, fortroendevald_bun
):
    assert permissions.confidential_ids(sekreterare_bun) >= {org["bun"].pk}
    assert org["bun"].pk in permissions.confidential_ids(administrator)
    for user in (chef_solrosen, controller, fortroendevald_bun):
        assert org["bun"].pk not in permissions.confidential_ids(user)


def _combinations():
    for published in (True, False):
        for confidential in (False,) if published else (True, False):
            for owner in ("bun", "buf", "kf", "sn"):
                for adopter in (None, "bun", "kf", "sn"):
                    yield published, confidential, owner, adopter


ACTORS = (
    "anonymous",
    "utomstaende",
    "sekreterare_bun",
    "chef_solrosen",
    "controller",
    "administrator",
    "fortroendevald_bun",
    "fortroendevald_kf",
)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
def test_version_rule_and_its_query_agree(request, org, typer_for_rule, actor):
    """`permissions.can_view_version` (the rule) and `dokument.queries` (the rule as a query)
    answer the same for every kind of version and every actor."""
    from django.contrib.auth.models import AnonymousUser

    from dokument.models import Dokument, Dokumentversion
    from dokument.queries import dokument_for_user, versions_for_user

    user = AnonymousUser() if actor == "anonymous" else request.getfixturevalue(actor)
    expected = {}
    for n, (published, confidential, owner, adopter) in enumerate(_combinations()):
        dok = Dokument.objects.create(typ=typer_for_rule, agare=org[owner])
        version = Dokumentversion.objects.create(
            dokument=dok,
            versionsnummer=1,
            titel=f"Version {n}",
            status="publicerad" if published else "utkast",
            ar_aktuell=published,
            sekretess=confidential,
            faststalld_av=org[adopter] if adopter else None,
        )
        expected[version.pk] = permissions.can_view_version(
            user,
            owner_id=org[owner].pk,
            adopter_id=org[adopter].pk if adopter else None,
            published=published,
            confidential=confidential,
        )

    visible_docs = set(dokument_for_user(user).values_list("pk", flat=True))
    seen = {v.pk for dok in Dokument.objects.all() for v in versions_for_user(user, dok)}
    assert seen == {pk for pk, ok in expected.items() if ok}
    assert visible_docs == set(
        Dokumentversion.objects.filter(pk__in=seen).values_list("dokument_id", flat=True)
    )


@pytest.fixture
def typer_for_rule(db):
    from tests.dokument.factories import DokumenttypFactory

    return DokumenttypFactory(namn="Riktlinje")
