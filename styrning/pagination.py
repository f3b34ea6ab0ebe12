"""Pagination of list pages: one helper and one partial (`_partials/pagination.html`).

A page's links keep the rest of the query string (the filters, another list's page), so a
page of a filtered list can be linked, and a page with several lists pages each on its own.
"""

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(
    request: HttpRequest,
    object_list,
    per_page: int,
    *,
    param: str = "sida",
    count: int | None = None,
    anchor: str = "",
) -> Page:
    """The page of `object_list` named by `request.GET[param]` (the first for a missing or bad
    number, the last for one past the end), with `previous_url` and `next_url` for the partial.
    `count`, when the caller has it already, spares the paginator its COUNT query. `anchor`
    (e.g. "#upphavda") brings the reader back to the list on a page with several."""
    paginator = Paginator(object_list, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not counted again
    page = paginator.get_page(request.GET.get(param))
    page.previous_url = (
        _url(request, param, page.previous_page_number(), anchor) if page.has_previous() else ""
    )
    page.next_url = _url(request, param, page.next_page_number(), anchor) if page.has_next() else ""
    return page


def _url(request: HttpRequest, param: str, number: int, anchor: str) -> str:
    query = request.GET.copy()
    query[param] = str(number)
    return f"?{query.urlencode()}{anchor}"
