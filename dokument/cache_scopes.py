"""What a change of a governing document touches in the shared page cache
(styrning.pagecache): its own pages (the record, its versions, their comparison and PDFs),
the lists (the register with its search, the statute book) and the pages of the documents
linked to it, which show its title and status. Registered from DokumentConfig.ready()."""

from django.db.models import Q

from dokument.models import (
    Diarienummer,
    Dokument,
    Dokumentlank,
    Dokumenttyp,
    Dokumentversion,
    Granskning,
)
from styrning import pagecache

DOKUMENTLISTA = "dokumentlista"


def dokument_scope(pk) -> str:
    return f"dokument:{pk}"


def document_scopes(pk) -> set[str]:
    scopes = {DOKUMENTLISTA, dokument_scope(pk)}
    links = Dokumentlank.objects.filter(Q(fran_id=pk) | Q(till_id=pk))
    for fran, till in links.values_list("fran_id", "till_id"):
        scopes |= {dokument_scope(fran), dokument_scope(till)}
    return scopes


def _giltighetsomrade(instance, model, pk_set):
    if isinstance(instance, Dokumentversion):
        return document_scopes(instance.dokument_id)
    return {pagecache.ALLA}


def register() -> None:
    pagecache.register(Dokument, lambda d: document_scopes(d.pk))
    for model in (Dokumentversion, Granskning, Diarienummer):
        pagecache.register(model, lambda obj: document_scopes(obj.dokument_id))
    pagecache.register(
        Dokumentlank,
        lambda lank: {DOKUMENTLISTA, dokument_scope(lank.fran_id), dokument_scope(lank.till_id)},
    )
    pagecache.register(Dokumenttyp, lambda typ: {pagecache.ALLA})
    pagecache.register_m2m(Dokumentversion.giltighetsomrade.through, _giltighetsomrade)
