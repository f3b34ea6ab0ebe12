"""The one search at /sok/: documents, goals and reports in one ranked list (`insyn.sok`); and
robots.txt, which names the sitemap (`insyn.sitemaps`)."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from dokument import search as dokument_search
from dokument.filters import SOK_MAX
from dokument.queries import published_documents
from insyn import sok
from styrning.forms import Form
from styrning.pagination import paginate

PER_PAGE = 20


class SokForm(Form):
    q = forms.CharField(
        label="Sök",
        required=False,
        validators=[
            MaxLengthValidator(
                SOK_MAX,
                message="Sökningen får vara högst %(limit_value)s tecken (den har "
                "%(show_value)s). Sök på några ord ur texten.",
            )
        ],
        widget=forms.TextInput(attrs={"type": "search", "maxlength": SOK_MAX}),
        help_text="Sök bland publicerade styrdokument, antagna mål och antagna rapporter.",
    )
    slag = forms.MultipleChoiceField(
        label="Visa",
        choices=sok.SLAG,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Inget val visar allt.",
        error_messages={"invalid_choice": "Välj bland dokument, mål och rapporter."},
    )


def sok_view(request: HttpRequest) -> HttpResponse:
    form = SokForm(request.GET or None)
    q, slag = "", []
    if form.is_valid():
        q = form.cleaned_data["q"].strip()
        slag = form.cleaned_data["slag"]
    resultat = sok.search(q, slag) if q else sok.Resultat([], False)
    page = paginate(request, resultat.kandidater, PER_PAGE)
    traffar = sok.load_hits(q, list(page.object_list)) if q else []
    return render(
        request,
        "insyn/sok.html",
        {
            "form": form,
            "q": q,
            "page": page,
            "traffar": traffar,
            "fler_an": f"{dokument_search.CANDIDATES:,}".replace(",", "\u00a0")
            if resultat.fler_an
            else "",
            "inga_traffar": dokument_search.no_hit_help(published_documents(), q)
            if q and not len(resultat)
            else None,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """What search engines may read: the public pages, not the staff's tools, forms, sign-in
    or administration; and where the sitemap is, as an absolute address."""
    return render(
        request,
        "robots.txt",
        {"sitemap_url": request.build_absolute_uri(reverse("insyn:sitemap"))},
        content_type="text/plain; charset=utf-8",
    )
