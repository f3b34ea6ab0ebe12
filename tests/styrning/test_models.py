import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from styrning.models import Organisation
from styrning.queries import OrganisationTree
from tests.factories import OrganisationFactory


@pytest.mark.django_db
def test_parent_set_to_own_descendant_is_refused(org):
    kf = org["kf"]
    kf.overordnad = org["solrosen"]

    with pytest.raises(ValidationError) as error:
        kf.full_clean()

    assert error.value.message_dict["overordnad"] == [
        "Solrosens förskola ligger under Kommunfullmäktige i trädet och kan därför inte vara "
        "dess överordnade (det skulle bli en cykel)."
    ]


@pytest.mark.django_db
def test_parent_set_to_itself_is_refused(org):
    bun = org["bun"]
    bun.overordnad = bun

    with pytest.raises(ValidationError) as error:
        bun.full_clean()

    assert error.value.message_dict["overordnad"] == [
        "En organisation kan inte vara överordnad sig själv."
    ]


@pytest.mark.django_db
def test_moving_a_node_elsewhere_in_the_tree_is_allowed(org):
    solrosen = org["solrosen"]
    solrosen.overordnad = org["sof"]

    solrosen.full_clean()
    solrosen.save()

    tree = OrganisationTree.load()
    assert [o.kod for o in tree.ancestors(solrosen.pk)] == ["0000", "KF", "SN", "SOF"]
    assert [o.kod for o in tree.children_of(org["sof"].pk)] == ["HTN", "SOL"]


@pytest.mark.django_db
def test_database_refuses_active_until_before_active_from():
    import datetime

    with pytest.raises(IntegrityError):
        OrganisationFactory(
            aktiv_fran=datetime.date(2023, 1, 1), aktiv_till=datetime.date(2022, 1, 1)
        )


@pytest.mark.django_db
def test_dissolved_body_is_inactive_after_its_end_date():
    import datetime

    gvn = OrganisationFactory(
        typ=Organisation.Typ.NAMND,
        aktiv_fran=datetime.date(2019, 1, 1),
        aktiv_till=datetime.date(2022, 12, 31),
    )

    assert gvn.is_active_on(datetime.date(2022, 12, 31)) is True
    assert gvn.is_active_on(datetime.date(2023, 1, 1)) is False


@pytest.mark.django_db
def test_a_user_is_shown_by_full_name_or_else_user_name():
    from tests.factories import UserFactory

    named = UserFactory(first_name="Sara", last_name="Lindqvist", titel="nämndsekreterare")
    unnamed = UserFactory(username="sso-4711", first_name="", last_name="")
    unnamed.set_unusable_password()
    unnamed.save()

    assert (str(named), str(unnamed)) == ("Sara Lindqvist", "sso-4711")
    assert unnamed.has_usable_password() is False
