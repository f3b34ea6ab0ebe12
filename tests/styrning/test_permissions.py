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
def test_fortroendevald_reads_internal_but_edits_nothing(org, fortroendevald_bun):
    assert permissions.can_view_internal(fortroendevald_bun, org["solrosen"].pk) is True
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
