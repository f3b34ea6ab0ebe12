from styrning import permissions


def test_goal_editors_are_secretaries_chefs_and_controllers_of_their_subtree(
    org, sekreterare_bun, chef_solrosen, controller, fortroendevald_bun
):
    assert permissions.can_edit_goals(sekreterare_bun, org["bun"].pk) is True
    assert permissions.can_edit_goals(sekreterare_bun, org["kf"].pk) is False
    assert permissions.can_edit_goals(chef_solrosen, org["solrosen"].pk) is True
    assert permissions.can_edit_goals(chef_solrosen, org["bun"].pk) is False
    assert permissions.can_edit_goals(controller, org["kf"].pk) is True
    assert permissions.goal_editor_ids(fortroendevald_bun) == frozenset()
