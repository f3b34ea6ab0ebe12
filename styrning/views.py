from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from styrning import errors, permissions
from styrning.context_processors import public_sections
from styrning.pagecache import public_page
from styrning.pagination import paginate
from styrning.queries import organisation_list_rows, organisation_tree
from styrning.startsida import panels_for, role_tasks_for


@never_cache
@require_safe
def halsa(request: HttpRequest) -> HttpResponse:
    """For a load balancer: 200 "ok" when the database answers a query, else 503. It reads
    nothing else (no session, no user), so a check costs one query and works without a cookie."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = HttpResponse(
            "databasen svarar inte", status=503, content_type="text/plain; charset=utf-8"
        )
        response["Retry-After"] = str(errors.RETRY_AFTER)
        return response
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


@public_page()
def start(request: HttpRequest) -> HttpResponse:
    return render(request, "styrning/start.html", {"sections": public_sections()})


ORGANISATION_PER_PAGE = 100


@login_required
def min_sida(request: HttpRequest) -> HttpResponse:
    roles = list(
        request.user.roller.select_related("organisation").order_by("organisation__namn", "roll")
    )
    tasks = role_tasks_for(request, roles)
    return render(
        request,
        "styrning/min_sida.html",
        {
            "roles": roles,
            "role_rows": [{"role": role, "tasks": tasks.get(role.pk, [])} for role in roles],
            "panels": panels_for(request),
            "is_administrator": permissions.is_administrator(request.user),
            "is_controller": permissions.is_controller(request.user),
        },
    )


@public_page()
def tillganglighet(request: HttpRequest) -> HttpResponse:
    return render(request, "styrning/tillganglighet.html")


@public_page()
def organisation_lista(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("visa") == "alla"
    today = timezone.localdate()
    tree = organisation_tree()
    rows = organisation_list_rows(tree, today, show_all=show_all)
    # The tree in pages of its walk (1,500 units at a large municipality); a page that begins
    # inside a branch says where (the chain above its first row, from the tree in memory).
    page = paginate(request, rows, ORGANISATION_PER_PAGE)
    first = page.object_list[0]["org"] if page.object_list else None
    return render(
        request,
        "styrning/organisation_lista.html",
        {
            "page": page,
            "show_all": show_all,
            "count": len(rows),
            "fortsattning": tree.ancestors(first.pk) if first and page.number > 1 else [],
            "url_organisation": reverse("organisation_lista"),
        },
    )


@public_page()  # the organisation tree only: an edit of any organisation changes "alla"
def organisation_detalj(request: HttpRequest, pk: int) -> HttpResponse:
    tree = organisation_tree()
    org = tree.nodes.get(pk)
    if org is None:
        raise Http404("Organisationen finns inte.")
    today = timezone.localdate()
    return render(
        request,
        "styrning/organisation_detalj.html",
        {
            "org": org,
            "ancestors": tree.ancestors(pk),
            "children": [
                {"org": child, "active": child.is_active_on(today)}
                for child in tree.children_of(pk)
            ],
            "active": org.is_active_on(today),
            "can_view_internal": permissions.can_view_internal(request.user, pk),
        },
    )
