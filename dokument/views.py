"""Pages of governing documents: the public list, document and version pages, the statute book,
and the staff pages (register, revise, adopt, publish, review, repeal, link)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dokument import search, services
from dokument.diff import header_changes, text_diff
from dokument.filters import DokumentFilter
from dokument.filtext import version_file_text
from dokument.forms import (
    FaststallForm,
    GranskningForm,
    GranskningsdatumForm,
    LankForm,
    MakuleraForm,
    PubliceraForm,
    RegistreraForm,
    RevideraForm,
    UpphavForm,
    UtkastForm,
)
from dokument.markdown import render_markdown
from dokument.models import Dokument, Dokumentlank, Dokumentversion, Granskning
from dokument.queries import (
    anslagsdatum,
    audit_trail,
    dokument_for_user,
    forfattningar,
    granskning_counts,
    granskning_querysets,
    published_documents,
    vantande_queryset,
    versions_for_user,
    with_current_versions,
)
from dokument.sections import sections_for
from styrning import locking, permissions, submission
from styrning.pagecache import public_page
from styrning.pagination import paginate

PER_PAGE = 25
KFS_PER_PAGE = 50
GRANSKNING_PER_PAGE = 25


def _thousands(number: int) -> str:
    """A number as Swedish writes it: "1 000" (a no-break space between the thousands)."""
    return f"{number:,}".replace(",", "\u00a0")


# --- Access helpers -----------------------------------------------------------------------------


def _post(request: HttpRequest):
    """The POST data of a POST request (even an empty one), else None: an unbound form."""
    return request.POST if request.method == "POST" else None


def _files(request: HttpRequest):
    return request.FILES if request.method == "POST" else None


def _form_page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """A form page: a bound form that comes back (it did not save) is a 400, as in mal."""
    form = context["form"]
    return render(request, template, context, status=400 if form.is_bound else 200)


def _made_earlier(request: HttpRequest, form, model):
    """What an earlier POST of this very form (its one-time key) made, if anything. Asked
    before the form is validated: once the first POST has saved, the same input may no longer
    be valid (the case number is taken by the document it made)."""
    if not form.is_bound:
        return None
    try:
        key = form.fields["inskick"].clean(form.data.get(form.add_prefix("inskick")))
    except ValidationError:
        return None
    earlier = submission.previous(request.user, key)
    if earlier is not None and not isinstance(earlier, model):
        # The key of another form (copied, or forged): answer with this form, saving nothing.
        form.is_valid()
        form.add_error(None, "Formuläret är redan använt. Ladda om sidan och fyll i det igen.")
        return None
    return earlier


def _answer_submission(request: HttpRequest, made: bool, success: str) -> None:
    """The message after a create-form: its success, or that a second POST of the same form
    was answered with what the first made (`styrning.submission.once`)."""
    if made:
        messages.success(request, success)
    else:
        messages.info(request, "Formuläret var redan skickat. Här är det som skapades.")


def _get_dokument_for_user(request: HttpRequest, pk: int) -> Dokument:
    """A document the user may see, or 404."""
    return get_object_or_404(dokument_for_user(request.user), pk=pk)


def _get_dokument_for_editor(request: HttpRequest, pk: int) -> Dokument:
    """A document the user may change: 404 when it cannot be seen, 403 when only read."""
    dokument = _get_dokument_for_user(request, pk)
    if not permissions.can_edit_documents(request.user, dokument.agare_id):
        raise PermissionDenied("Du får inte ändra det här dokumentet.")
    return dokument


def _get_version_for_user(request, dokument: Dokument, nummer: int) -> Dokumentversion:
    return get_object_or_404(
        versions_for_user(request.user, dokument).prefetch_related("giltighetsomrade"),
        versionsnummer=nummer,
    )


def _is_insider(user, dokument: Dokument) -> bool:
    return permissions.can_view_internal(user, dokument.agare_id) or permissions.can_edit_documents(
        user, dokument.agare_id
    )


# --- Public pages -------------------------------------------------------------------------------


@public_page("dokumentlista")
def lista(request: HttpRequest) -> HttpResponse:
    filterset = DokumentFilter(request.GET or None, queryset=published_documents())
    page = paginate(request, filterset.qs, PER_PAGE)
    q = (getattr(filterset.form, "cleaned_data", None) or {}).get("q")
    return render(
        request,
        "dokument/lista.html",
        {
            "filter": filterset,
            "page": page,
            # A common word matches nearly everything: only the first candidates are ranked.
            "fler_an": _thousands(search.CANDIDATES)
            if q and search.has_more_hits(page.paginator.count)
            else "",
            "url_dokument": reverse("dokument:lista"),
            "inga_traffar": (
                search.no_hit_help(published_documents(), q)
                if q and not page.paginator.count
                else None
            ),
            "today": timezone.localdate(),
            "can_register": bool(permissions.document_editor_ids(request.user)),
        },
    )


def _linked(user, dokument: Dokument):
    """Links up and down the hierarchy, to documents the user may see, in a fixed number of
    queries."""
    visible = dokument_for_user(user).values("pk")
    current = Dokumentversion.objects.filter(ar_aktuell=True)
    upp = (
        Dokumentlank.objects.filter(fran=dokument, till__in=visible)
        .select_related("till__typ")
        .prefetch_related(Prefetch("till__versioner", queryset=current, to_attr="aktuella"))
    )
    ned = (
        Dokumentlank.objects.filter(till=dokument, fran__in=visible)
        .select_related("fran__typ")
        .prefetch_related(Prefetch("fran__versioner", queryset=current, to_attr="aktuella"))
    )
    return list(upp), list(ned)


@public_page("dokument:{pk}")
def detalj(request: HttpRequest, pk: int) -> HttpResponse:
    dokument = _get_dokument_for_user(request, pk)
    return render(request, "dokument/detalj.html", _detalj_context(request, dokument))


def _detalj_context(request: HttpRequest, dokument: Dokument, lank_form=None) -> dict:
    """The document page's context; `lank_form` is a link form that came back with errors."""
    insider = _is_insider(request.user, dokument)
    versions = list(versions_for_user(request.user, dokument).prefetch_related("giltighetsomrade"))
    current = next((v for v in versions if v.ar_aktuell), None)
    shown = current or (versions[0] if versions else None)
    upp, ned = _linked(request.user, dokument)
    can_edit = permissions.can_edit_documents(request.user, dokument.agare_id)
    # A repealed or replaced document is history: staff may read it, not act on it.
    can_act = can_edit and dokument.status not in (
        Dokument.Status.UPPHAVD,
        Dokument.Status.ERSATT,
        Dokument.Status.MAKULERAD,
    )
    context = {
        "dokument": dokument,
        "version": shown,
        "versions": versions,
        "body": render_markdown(shown.text) if shown else "",
        "filtext": version_file_text(shown),
        "konkretiserar": [lnk for lnk in upp if lnk.typ == Dokumentlank.Typ.KONKRETISERAR],
        "ersatter": [lnk for lnk in upp if lnk.typ != Dokumentlank.Typ.KONKRETISERAR],
        "konkretiseras_av": [lnk for lnk in ned if lnk.typ == Dokumentlank.Typ.KONKRETISERAR],
        "ersatt_av": [lnk for lnk in ned if lnk.typ != Dokumentlank.Typ.KONKRETISERAR],
        # What the apps above add to the page (the goals resting on it): dokument.sections.
        "sections": sections_for(request, dokument),
        "insider": insider,
        "can_edit": can_edit,
        "can_act": can_act,
        "granskningar": list(dokument.granskningar.select_related("granskad_av"))
        if insider
        else [],
        "audit": audit_trail(dokument) if insider else [],
        "lank_form": (lank_form or LankForm(dokument=dokument)) if can_act else None,
        "datum_form": GranskningsdatumForm(
            initial={"datum": dokument.granskning_nasta}, current=dokument
        )
        if can_act
        else None,
    }
    return context


@public_page("dokument:{pk}")
def version(request: HttpRequest, pk: int, nummer: int) -> HttpResponse:
    dokument = _get_dokument_for_user(request, pk)
    shown = _get_version_for_user(request, dokument, nummer)
    versions = list(versions_for_user(request.user, dokument))
    return render(
        request,
        "dokument/version.html",
        {
            "dokument": dokument,
            "version": shown,
            "versions": versions,
            "body": render_markdown(shown.text),
            "filtext": version_file_text(shown),
            "insider": _is_insider(request.user, dokument),
            "can_edit": permissions.can_edit_documents(request.user, dokument.agare_id)
            and dokument.status
            not in (Dokument.Status.UPPHAVD, Dokument.Status.ERSATT, Dokument.Status.MAKULERAD),
        },
    )


@public_page("dokument:{pk}")
def jamfor(request: HttpRequest, pk: int) -> HttpResponse:
    """A readable diff between two versions (header fields and text body)."""
    dokument = _get_dokument_for_user(request, pk)
    versions = list(versions_for_user(request.user, dokument).prefetch_related("giltighetsomrade"))
    by_number = {v.versionsnummer: v for v in versions}
    if len(versions) < 2:
        raise Http404("Det finns bara en version.")
    try:
        old_n = int(request.GET.get("fran", versions[1].versionsnummer))
        new_n = int(request.GET.get("till", versions[0].versionsnummer))
    except ValueError as exc:
        raise Http404("Okänd version.") from exc
    if old_n not in by_number or new_n not in by_number:
        raise Http404("Okänd version.")
    old, new = by_number[old_n], by_number[new_n]
    return render(
        request,
        "dokument/jamfor.html",
        {
            "dokument": dokument,
            "old": old,
            "new": new,
            "versions": versions,
            "header": header_changes(old, new),
            "lines": text_diff(old.text, new.text),
        },
    )


@public_page("dokument:{pk}")
def fil(request: HttpRequest, pk: int, nummer: int) -> FileResponse:
    dokument = _get_dokument_for_user(request, pk)
    shown = _get_version_for_user(request, dokument, nummer)
    if not shown.fil:
        raise Http404("Versionen har ingen fil.")
    try:
        handle = shown.fil.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Filen saknas.") from exc
    return FileResponse(handle, as_attachment=True, filename=shown.fil.name.rsplit("/", 1)[-1])


@public_page("dokumentlista")
def forfattningssamling(request: HttpRequest) -> HttpResponse:
    """The statute book: the rules in force by number, and the repealed ones with their
    repeal history, each list paged on its own."""
    base = forfattningar()
    gallande = paginate(
        request,
        base.filter(status=Dokument.Status.GALLANDE),
        KFS_PER_PAGE,
        anchor="#gallande-rubrik",
    )
    upphavda = paginate(
        request,
        base.exclude(status=Dokument.Status.GALLANDE),
        KFS_PER_PAGE,
        param="upphavda_sida",
        anchor="#upphavda-rubrik",
    )
    for dok in [*gallande.object_list, *upphavda.object_list]:
        # The row shows the current version: its decision and its own publication date
        # (anslagsdatum); the first publication is shown apart when the document was revised.
        dok.forsta_anslagsdatum, dok.anslagsdatum = anslagsdatum(dok)
    return render(
        request,
        "dokument/forfattningssamling.html",
        {"gallande": gallande, "upphavda": upphavda, "url_dokument": reverse("dokument:lista")},
    )


# --- Staff pages --------------------------------------------------------------------------------


@login_required
def registrera(request: HttpRequest) -> HttpResponse:
    if not permissions.document_editor_ids(request.user):
        raise PermissionDenied("Du får inte registrera styrdokument.")
    form = RegistreraForm(_post(request), _files(request), user=request.user)
    earlier = _made_earlier(request, form, Dokument)
    if earlier is not None:
        _answer_submission(request, False, "")
        return redirect(earlier)
    if request.method == "POST" and form.is_valid():
        try:
            dokument, made = submission.once(
                request.user,
                form.cleaned_data.get("inskick"),
                lambda: services.registrera_dokument(
                    user=request.user,
                    typ=form.cleaned_data["typ"],
                    agare=form.cleaned_data["agare"],
                    data=form.version_data(),
                    giltighetsomrade=form.cleaned_data["giltighetsomrade"],
                    fil=form.uploaded_file(),
                    fil_text=form.fil_text,
                    overordnade=form.cleaned_data["overordnade"],
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _answer_submission(request, made, "Dokumentet är registrerat.")
            return redirect(dokument)
    return _form_page(request, "dokument/registrera.html", {"form": form})


def _prefill(version: Dokumentversion | None) -> dict:
    if version is None:
        return {}
    initial = {key: getattr(version, key) for key in services.VERSION_FIELDS}
    for key in ("faststalld_av", "beslutsdatum", "paragraf", "diarienummer"):
        initial.pop(key)  # a revision has a decision of its own
    initial["dokumentansvarig"] = version.dokumentansvarig_id
    initial["giltighetsomrade"] = [o.pk for o in version.giltighetsomrade.all()]
    initial["reviderad_datum"] = timezone.localdate()
    return initial


@login_required
def revidera(request: HttpRequest, pk: int) -> HttpResponse:
    dokument = _get_dokument_for_editor(request, pk)
    last = dokument.versioner.prefetch_related("giltighetsomrade").order_by("-versionsnummer")
    last = last.first()
    form = RevideraForm(
        _post(request),
        _files(request),
        dokument=dokument,
        user=request.user,
        initial=_prefill(last),
        senaste=last,
    )
    if request.method == "POST" and form.is_valid():
        try:
            ny = services.revidera_dokument(
                user=request.user,
                dokument=dokument,
                data=form.version_data(),
                giltighetsomrade=form.cleaned_data["giltighetsomrade"],
                fil=form.uploaded_file(),
                fil_text=form.fil_text,
                senaste_version=form.cleaned_data["senaste_version"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Version {ny.versionsnummer} är registrerad.")
            return redirect(ny)
    return _form_page(
        request, "dokument/revidera.html", {"form": form, "dokument": dokument, "last": last}
    )


@login_required
def andra(request: HttpRequest, pk: int, nummer: int) -> HttpResponse:
    """Change a draft version in place (an adopted version is revised), or correct a
    registration that was never published: its owner and decision too."""
    dokument = _get_dokument_for_editor(request, pk)
    utkast = get_object_or_404(
        dokument.versioner.prefetch_related("giltighetsomrade"), versionsnummer=nummer
    )
    if not services.is_correctable(dokument, utkast):
        raise Http404("Bara utkast och opublicerade registreringar ändras här.")
    form = UtkastForm(
        _post(request),
        _files(request),
        dokument=dokument,
        user=request.user,
        instance=utkast,
        current=utkast,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.andra_utkast(
                user=request.user,
                version=utkast,
                data=form.version_data(),
                giltighetsomrade=form.cleaned_data["giltighetsomrade"],
                fil=form.uploaded_file(),
                fil_text=form.fil_text,
                andringsmarke=form.cleaned_data["andringsmarke"],
                agare=form.cleaned_data.get("agare"),
            )
        except locking.Konflikt as conflict:
            form.add_conflict(conflict)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if utkast.status == Dokumentversion.Status.UTKAST:
                text = f"Utkastet (version {utkast.versionsnummer}) är sparat."
            else:
                text = f"Registreringen (version {utkast.versionsnummer}) är rättad."
            messages.success(request, text)
            return redirect(utkast)
    return _form_page(
        request, "dokument/andra.html", {"form": form, "dokument": dokument, "version": utkast}
    )


@login_required
def faststall(request: HttpRequest, pk: int, nummer: int) -> HttpResponse:
    dokument = _get_dokument_for_editor(request, pk)
    target = get_object_or_404(dokument.versioner, versionsnummer=nummer)
    form = FaststallForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.faststall_version(user=request.user, version=target, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Beslutet är registrerat: versionen är fastställd.")
            return redirect(target)
    return _form_page(
        request,
        "dokument/faststall.html",
        {"form": form, "dokument": dokument, "version": target},
    )


@login_required
def publicera(request: HttpRequest, pk: int, nummer: int) -> HttpResponse:
    """Publish: shows what the personnummer scan found and asks for confirmation."""
    dokument = _get_dokument_for_editor(request, pk)
    target = get_object_or_404(dokument.versioner, versionsnummer=nummer)
    form = PubliceraForm(_post(request), version=target)
    if request.method == "POST" and form.is_valid():
        try:
            services.publicera_version(
                user=request.user,
                version=target,
                bekraftat_personnummer=form.cleaned_data["bekrafta"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        except IntegrityError:
            # The statute-book counter is locked, so this should not happen; if a number was
            # set by hand elsewhere, nothing is saved and the publisher can try again.
            form.add_error(
                None,
                "Dokumentet kunde inte publiceras: numret i författningssamlingen är redan "
                "upptaget. Ingenting har sparats; försök igen.",
            )
        else:
            dokument.refresh_from_db()
            text = f"Version {target.versionsnummer} är publicerad."
            if dokument.kfs_nummer:
                text += f" Nummer i författningssamlingen: {dokument.kfs_nummer}."
            if target.ar_utgangen:
                text += (
                    f" Den gällde till och med {target.giltig_till:%Y-%m-%d}, så dokumentet "
                    "visas som utgånget."
                )
            messages.success(request, text)
            return redirect(dokument)
    return _form_page(
        request,
        "dokument/publicera.html",
        {
            "form": form,
            "dokument": dokument,
            "version": target,
            "fynd": services.personnummer_in(target),
        },
    )


@login_required
def granska(request: HttpRequest, pk: int) -> HttpResponse:
    dokument = _get_dokument_for_editor(request, pk)
    form = GranskningForm(_post(request), initial={"datum": timezone.localdate()})
    earlier = _made_earlier(request, form, Granskning)
    if earlier is not None:
        _answer_submission(request, False, "")
        return redirect(earlier.dokument)
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data[key] for key in ("datum", "utfall", "kommentar", "nasta")}
        try:
            granskning, made = submission.once(
                request.user,
                form.cleaned_data.get("inskick"),
                lambda: services.registrera_granskning(
                    user=request.user, dokument=dokument, **data
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _answer_submission(request, made, "Aktualitetsprövningen är registrerad.")
            return redirect(granskning.dokument)
    return _form_page(request, "dokument/granska.html", {"form": form, "dokument": dokument})


@login_required
@require_POST
def granskningsdatum(request: HttpRequest, pk: int) -> HttpResponse:
    dokument = _get_dokument_for_editor(request, pk)
    form = GranskningsdatumForm(request.POST)
    if form.is_valid():
        try:
            services.satt_granskningsdatum(
                user=request.user,
                dokument=dokument,
                datum=form.cleaned_data["datum"],
                andringsmarke=form.cleaned_data["andringsmarke"],
            )
        except ValidationError as error:  # locking.Konflikt among them
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Datumet för nästa aktualitetsprövning är ändrat.")
    else:
        errors = form.errors.get("datum") or ["Ange datumet som ÅÅÅÅ-MM-DD."]
        messages.error(request, f"Datumet kunde inte sparas: {' '.join(errors)}")
    return redirect(dokument)


@login_required
def upphav(request: HttpRequest, pk: int) -> HttpResponse:
    dokument = _get_dokument_for_editor(request, pk)
    form = UpphavForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.upphav_dokument(user=request.user, dokument=dokument, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Dokumentet är upphävt.")
            return redirect(dokument)
    return _form_page(request, "dokument/upphav.html", {"form": form, "dokument": dokument})


@login_required
def makulera(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a registration that was never published, with a reason."""
    dokument = _get_dokument_for_editor(request, pk)
    if not services.may_be_withdrawn(dokument):
        raise Http404("Bara en registrering som aldrig har publicerats kan makuleras.")
    form = MakuleraForm(_post(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.makulera_dokument(
                user=request.user, dokument=dokument, orsak=form.cleaned_data["orsak"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, "Registreringen är makulerad. Dess diarienummer kan användas igen."
            )
            return redirect(dokument)
    versions = list(dokument.versioner.select_related("faststalld_av"))
    return _form_page(
        request,
        "dokument/makulera.html",
        {
            "form": form,
            "dokument": dokument,
            "versions": versions,
            "diarienummer": sorted({v.diarienummer for v in versions if v.diarienummer}),
        },
    )


@login_required
@require_POST
def lanka(request: HttpRequest, pk: int) -> HttpResponse:
    dokument = _get_dokument_for_editor(request, pk)
    form = LankForm(request.POST, dokument=dokument)
    if form.is_valid():
        try:
            services.add_lank(
                user=request.user,
                fran=dokument,
                till=form.cleaned_data["till"],
                typ=form.cleaned_data["typ"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Länken är sparad.")
        return redirect(dokument)
    # The document page again, with the errors at their fields (nothing is saved).
    return render(
        request,
        "dokument/detalj.html",
        _detalj_context(request, dokument, lank_form=form),
        status=400,
    )


@login_required
def granskning(request: HttpRequest) -> HttpResponse:
    """The nämndsekreterare's page: documents overdue for review, due within 90 days, flagged,
    whose responsible official has left, and versions waiting for a decision or publication."""
    if not permissions.document_editor_ids(request.user):
        raise PermissionDenied("Sidan är för den som hanterar styrdokument.")
    counts = granskning_counts(request.user)
    groups = {
        name: paginate(
            request,
            queryset,
            GRANSKNING_PER_PAGE,
            param=f"{name}_sida",
            count=counts[name],
            anchor=f"#{name}-rubrik",
        )
        for name, queryset in granskning_querysets(request.user).items()
    }
    for page in groups.values():
        page.object_list = list(page.object_list)
    with_current_versions(*(page.object_list for page in groups.values()))
    vantande = paginate(
        request,
        vantande_queryset(request.user),
        GRANSKNING_PER_PAGE,
        param="vantande_sida",
        anchor="#vantande-rubrik",
    )
    return render(
        request,
        "dokument/granskning.html",
        {"groups": groups, "vantande": vantande, "url_dokument": reverse("dokument:lista")},
    )
