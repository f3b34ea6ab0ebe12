"""Reads of the organisation tree used in more than one place."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import transaction

from styrning import pagecache
from styrning.models import Organisation


@dataclass
class OrganisationTree:
    """The whole organisation tree, loaded in one query and assembled in Python."""

    nodes: dict[int, Organisation]
    children: dict[int | None, list[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, queryset=None) -> "OrganisationTree":
        qs = queryset if queryset is not None else Organisation.objects.all()
        return cls.from_nodes(qs.order_by("ordning", "namn"))

    @classmethod
    def from_nodes(cls, organisations: Iterable[Organisation]) -> "OrganisationTree":
        """A tree of the given nodes in their order; a node whose parent is not among them is
        a root."""
        nodes = {org.pk: org for org in organisations}
        children: dict[int | None, list[int]] = {}
        for org in nodes.values():
            parent = org.overordnad_id if org.overordnad_id in nodes else None
            children.setdefault(parent, []).append(org.pk)
        return cls(nodes=nodes, children=children)

    def subset(self, keep) -> "OrganisationTree":
        """The tree of the nodes for which `keep(org)` is true, without a query."""
        return OrganisationTree.from_nodes(org for org in self.nodes.values() if keep(org))

    @property
    def roots(self) -> list[Organisation]:
        return [self.nodes[pk] for pk in self.children.get(None, [])]

    def children_of(self, pk: int) -> list[Organisation]:
        return [self.nodes[c] for c in self.children.get(pk, [])]

    def descendant_ids(self, pk: int, include_self: bool = True) -> set[int]:
        result = {pk} if include_self else set()
        stack = list(self.children.get(pk, []))
        while stack:
            current = stack.pop()
            if current not in result:
                result.add(current)
                stack.extend(self.children.get(current, []))
        return result

    def subtree_ids(self, pks: Iterable[int]) -> set[int]:
        result: set[int] = set()
        for pk in pks:
            if pk in self.nodes and pk not in result:
                result |= self.descendant_ids(pk)
        return result

    def ancestors(self, pk: int) -> list[Organisation]:
        """From the root down to the node's parent."""
        chain: list[Organisation] = []
        seen = {pk}
        current = self.nodes[pk].overordnad_id if pk in self.nodes else None
        while current is not None and current in self.nodes and current not in seen:
            seen.add(current)
            chain.append(self.nodes[current])
            current = self.nodes[current].overordnad_id
        chain.reverse()
        return chain

    def is_at_or_above(self, upper_pk: int, lower_pk: int) -> bool:
        """True when upper is the lower node itself or one of its ancestors."""
        return upper_pk == lower_pk or any(a.pk == upper_pk for a in self.ancestors(lower_pk))

    def walk(self, pk: int | None = None, depth: int = 0) -> Iterator[tuple[Organisation, int]]:
        """Depth-first (node, depth) pairs from the given node, or from the roots."""
        start = self.children.get(None, []) if pk is None else [pk]
        stack = [(c, depth) for c in reversed(start)]
        while stack:
            current, level = stack.pop()
            yield self.nodes[current], level
            stack.extend((c, level + 1) for c in reversed(self.children.get(current, [])))


def organisation_list_rows(tree: OrganisationTree, today, *, show_all: bool) -> list[dict]:
    """The public organisation list's rows: the tree in its order as {org, depth, active};
    without `show_all`, an organisation no longer active is left out with everything below it.
    The page and its CSV read it alike."""
    rows = [
        {"org": org, "depth": depth, "active": org.is_active_on(today)}
        for org, depth in tree.walk()
    ]
    if show_all:
        return rows
    hidden: set[int] = set()
    visible = []
    for row in rows:
        org = row["org"]
        if org.overordnad_id in hidden or not row["active"]:
            hidden.add(org.pk)
            continue
        visible.append(row)
    return visible


_request_tree: ContextVar[list[OrganisationTree | None] | None] = ContextVar(
    "styrning_organisation_tree", default=None
)


def organisation_tree() -> OrganisationTree:
    """The whole organisation tree. Inside a request (`tree_per_request`) it is taken once and
    shared by every view, form, service and permission check of the request; elsewhere
    (commands, tasks) it is loaded anew on each call, so it is never stale there."""
    slot = _request_tree.get()
    if slot is None:
        return OrganisationTree.load()
    if slot[0] is None:
        slot[0] = _process_tree()
    return slot[0]


# The tree as this process last loaded it, with the generation of the organisation scope it was
# loaded under (styrning.pagecache: every save or delete of an organisation bumps it, at once
# and again on commit, on every server). The nodes are shared by the requests that read them:
# read them, never change them.
_kept: tuple[str, OrganisationTree] | None = None


def _process_tree() -> OrganisationTree:
    """The tree for a request: the one this process keeps while the organisation generation
    is unchanged (one look-up in the shared cache instead of 1,700 rows at a large
    municipality), else loaded anew. The generation is read before the tree, so a change that
    commits in between leaves the kept tree stale at once. A tree loaded inside a transaction
    is not kept: it may hold what the transaction rolls back."""
    global _kept
    current = pagecache.generation(pagecache.ORGANISATION)
    kept = _kept
    if current is not None and kept is not None and kept[0] == current:
        return kept[1]
    tree = OrganisationTree.load()
    if current is not None and not transaction.get_connection().in_atomic_block:
        _kept = (current, tree)
    return tree


@contextmanager
def tree_per_request():
    token = _request_tree.set([None])
    try:
        yield
    finally:
        _request_tree.reset(token)


class OrganisationTreeMiddleware:
    """Scopes `organisation_tree()` to the request: one look-up per request at most."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with tree_per_request():
            return self.get_response(request)
