"""All role rules, in one place.

A role is a row (user, organisation, role); a role on a node covers every node below it, with
one exception: a förtroendevald's role covers only the body itself (see `internal_ids`).
Views ask these functions and hand templates `can_*` booleans; querysets are scoped with the
`*_ids` functions. Roles and the tree are loaded once per request (cached on the user object),
so checks cost a bounded number of queries whatever the size of the tree.

Who sees what is not public (the rule; `can_view_version` states it for a document version):

- Published documents and adopted goals: everybody, signed in or not.
- Internal material of an organisation (unpublished document versions, draft goals,
  preliminary values): `internal_ids`. A chef reads the unit and everything below it, a
  nämndsekreterare the body and everything below it, controllers and administrators all of
  it; those who handle an organisation's documents or goals read its internal material too.
  A förtroendevald reads the bodies they sit in, not the organisation below them.
- What a body is to decide: a förtroendevald also reads the unpublished versions whose
  adopting body ("fastställt av") is a body they sit in, whoever prepares them
  (`deciding_body_ids`); the goals such a body owns are already its internal material.
- A confidential version (sekretess, OSL) is read only by those who handle the owner's
  documents and by administrators (`confidential_ids`): not by a controller as such, not by
  chefs, not by politicians, whatever else they may read.
"""

from django.contrib.auth.models import AnonymousUser

from styrning.models import Organisation, Roll
from styrning.queries import OrganisationTree, organisation_tree

Typ = Roll.Typ

_CACHE_ATTR = "_styrning_permissions"


class _UserRoles:
    def __init__(self, user):
        self.roles: list[tuple[int, str]] = list(
            Roll.objects.filter(anvandare=user).values_list("organisation_id", "roll")
        )
        self._tree: OrganisationTree | None = None
        self._covered: dict[frozenset[str], frozenset[int]] = {}

    @property
    def tree(self) -> OrganisationTree:
        if self._tree is None:
            self._tree = organisation_tree()
        return self._tree

    def covered(self, roller: frozenset[str]) -> frozenset[int]:
        if roller not in self._covered:
            roots = [org for org, roll in self.roles if roll in roller]
            self._covered[roller] = (
                frozenset(self.tree.subtree_ids(roots)) if roots else frozenset()
            )
        return self._covered[roller]


def _user_roles(user) -> _UserRoles | None:
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
        return None
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _UserRoles(user)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def role_types(user) -> set[str]:
    roles = _user_roles(user)
    return {roll for _, roll in roles.roles} if roles else set()


def is_administrator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser) or (
        Typ.ADMINISTRATOR in role_types(user)
    )


def is_controller(user) -> bool:
    """Controllers (kommunledningskansliet) work with follow-up across the whole municipality."""
    return Typ.CONTROLLER in role_types(user) or is_administrator(user)


def is_staff_member(user) -> bool:
    """Signed in with at least one role: may see internal material somewhere."""
    return bool(role_types(user)) or is_administrator(user)


def _all_ids(roles: _UserRoles) -> frozenset[int]:
    return frozenset(roles.tree.nodes)


def internal_ids(user) -> frozenset[int]:
    """Organisations whose internal material (unpublished versions, draft goals, preliminary
    values) the user may read. Controllers and administrators read everything; a chef's or
    a nämndsekreterare's role covers its subtree; a förtroendevald's covers only the body
    itself, since a politician of kommunfullmäktige is not thereby an insider of every nämnd
    and unit; and whoever handles an organisation's documents or goals reads its material."""
    roles = _user_roles(user)
    if roles is None:
        return frozenset()
    if is_controller(user):
        return _all_ids(roles)
    own_bodies = {org for org, roll in roles.roles if roll == Typ.FORTROENDEVALD}
    return (
        roles.covered(frozenset({Typ.CHEF, Typ.NAMNDSEKRETERARE}))
        | own_bodies
        | goal_editor_ids(user)
    )


def can_view_internal(user, organisation_id: int) -> bool:
    return organisation_id in internal_ids(user)


def deciding_body_ids(user) -> frozenset[int]:
    """The bodies a förtroendevald sits in: they read what those bodies are to decide (an
    unpublished version whose adopting body is one of them), whoever owns the document."""
    roles = _user_roles(user)
    if roles is None:
        return frozenset()
    return frozenset(org for org, roll in roles.roles if roll == Typ.FORTROENDEVALD)


def confidential_ids(user) -> frozenset[int]:
    """Organisations whose confidential (sekretess) versions the user may read: only those who
    handle the organisation's documents, and administrators (who handle all)."""
    return document_editor_ids(user)


def can_view_version(
    user, *, owner_id: int, adopter_id: int | None, published: bool, confidential: bool
) -> bool:
    """Whether the user may read a document version (the rule in the module docstring):
    a published version is public; the owner's document handlers read every version; a
    confidential one nobody else; an unpublished one those who read the owner's internal
    material and the politicians of its adopting body. `dokument.queries` applies the same rule
    as a query (`visible_versions`); a test holds the two together."""
    if published or owner_id in confidential_ids(user):
        return True
    if confidential:
        return False
    return owner_id in internal_ids(user) or adopter_id in deciding_body_ids(user)


def document_editor_ids(user) -> frozenset[int]:
    """Organisations whose governing documents the user may register, revise and publish.

    A nämndsekreterare covers the body of the role and everything below it. The KS secretariat
    (a nämndsekreterare of kommunstyrelsen) and controllers also handle kommunfullmäktige's and
    kommunstyrelsen's documents. Administrators handle all.
    """
    roles = _user_roles(user)
    if roles is None:
        return frozenset()
    if is_administrator(user):
        return _all_ids(roles)
    ids = set(roles.covered(frozenset({Typ.NAMNDSEKRETERARE})))
    typ_by_id = {pk: org.typ for pk, org in roles.tree.nodes.items()}
    ks_secretary = any(
        roll == Typ.NAMNDSEKRETERARE and typ_by_id.get(org) == Organisation.Typ.KOMMUNSTYRELSE
        for org, roll in roles.roles
    )
    if ks_secretary or Typ.CONTROLLER in role_types(user):
        ids |= {
            pk
            for pk, typ in typ_by_id.items()
            if typ in (Organisation.Typ.KOMMUNFULLMAKTIGE, Organisation.Typ.KOMMUNSTYRELSE)
        }
    return frozenset(ids)


def can_edit_documents(user, organisation_id: int) -> bool:
    return organisation_id in document_editor_ids(user)


def reporter_ids(user) -> frozenset[int]:
    """Organisations whose follow-up (values, assessments, analyses) the user may enter:
    a chef covers the unit and below; controllers and administrators all."""
    roles = _user_roles(user)
    if roles is None:
        return frozenset()
    if is_controller(user):
        return _all_ids(roles)
    return roles.covered(frozenset({Typ.CHEF}))


def can_report(user, organisation_id: int) -> bool:
    return organisation_id in reporter_ids(user)


def goal_editor_ids(user) -> frozenset[int]:
    """Organisations whose goals, indicators, targets and assignments the user may maintain:
    those whose documents the user handles (a nämnd's secretary, the KS secretariat,
    controllers) and those whose follow-up the user reports (a chef sets the unit's own goals)."""
    return document_editor_ids(user) | reporter_ids(user)


def can_edit_goals(user, organisation_id: int) -> bool:
    return organisation_id in goal_editor_ids(user)


# The follow-up (uppfoljning): who writes, reviews and reads a report.


def report_reviewer_ids(user) -> frozenset[int]:
    """Organisations whose submitted reports the user may approve or send back: controllers
    and administrators all; a chef the organisations strictly below the role's node (the
    förvaltning's chef reviews the units' reports, never their own)."""
    roles = _user_roles(user)
    if roles is None:
        return frozenset()
    if is_controller(user):
        return _all_ids(roles)
    own = frozenset(org for org, roll in roles.roles if roll == Typ.CHEF)
    below: set[int] = set()
    for org in own:
        below |= set(roles.tree.subtree_ids([org])) - {org}
    return frozenset(below)


def can_review_report(user, organisation_id: int) -> bool:
    return organisation_id in report_reviewer_ids(user)


def report_reader_ids(user) -> frozenset[int]:
    """Organisations whose submitted (not yet adopted) reports the user may read: those who
    read its internal material, and a förtroendevald the organisation below the bodies they
    sit in (the reports come to their body). Drafts: `internal_ids` only."""
    roles = _user_roles(user)
    if roles is None:
        return frozenset()
    return internal_ids(user) | roles.covered(frozenset({Typ.FORTROENDEVALD}))


def has_status_board(user) -> bool:
    """The follow-up's status board: controllers (every report) and chefs (the reports of
    the organisations they report for or review: their unit and below)."""
    return is_controller(user) or Typ.CHEF in role_types(user)


def can_view_report(user, *, organisation_id: int, adopted: bool, submitted: bool) -> bool:
    """An adopted report is public; a submitted or approved one is read by `report_reader_ids`;
    a draft (not started, draft, sent back) by those who read the organisation's internal
    material (its chefs above it, controllers)."""
    if adopted:
        return True
    if submitted:
        return organisation_id in report_reader_ids(user)
    return organisation_id in internal_ids(user)
