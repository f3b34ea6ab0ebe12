"""The public and the hidden data the API's tests read: each hidden thing carries a word of
its own, which no answer of the API may hold."""

import datetime
from decimal import Decimal

from dokument.models import Dokument, Dokumentlank, Dokumentversion
from mal.models import Mal
from styrning.periods import Periodtyp
from tests.dokument.factories import DokumentFactory, DokumentversionFactory, published
from tests.mal.factories import IndikatorFactory, MalFactory, MalvardeFactory, VardeFactory
from tests.uppfoljning.test_utdata import exempel_innehall, frys, rapport_for
from uppfoljning.models import Rapport, Rapportversion

# Words only hidden things hold.
HIDDEN_WORDS = [
    "Utkastordet",
    "Faststalltordet",
    "Sekretessordet",
    "Aldrigpubliceratordet",
    "Malutkastordet",
    "Indikatorutkastordet",
    "Preliminarordet",
    "Pagaendeordet",
    "Inlamnadordet",
    "Omarbetningsordet",
    "Dolttitelordet",
]


def build_world(org) -> dict:
    """A published document with two published versions, a draft and an adopted, unpublished
    version; a document never published; one whose only version is confidential; adopted and
    draft goals with indicators, targets and values (final, preliminary, of a running period);
    an adopted report, a submitted one and a reopened one."""
    bun, kf = org["bun"], org["kf"]
    # Documents
    riktlinje = DokumentFactory(agare=bun)
    published(
        riktlinje,
        versionsnummer=1,
        titel="Riktlinjer för skolskjuts",
        diarienummer="BUN 2023/7",
        ar_aktuell=False,
        beslutsdatum=datetime.date(2023, 5, 2),
    )
    current = published(
        riktlinje,
        versionsnummer=2,
        titel="Riktlinjer för skolskjuts 2024",
        diarienummer="BUN 2024/11",
        giltig_fran=datetime.date(2024, 4, 1),
        publicerad_tid=datetime.datetime(2024, 3, 20, 9, 0, tzinfo=datetime.UTC),
    )
    current.giltighetsomrade.set([org["buf"]])
    DokumentversionFactory(
        dokument=riktlinje, versionsnummer=3, titel="Utkastordet", text="Utkastordet i texten."
    )
    DokumentversionFactory(
        dokument=riktlinje,
        versionsnummer=4,
        titel="Faststalltordet",
        status=Dokumentversion.Status.FASTSTALLD,
        faststalld_av=bun,
    )
    policy = DokumentFactory(agare=kf)
    published(policy, versionsnummer=1, titel="Policy för skolan", diarienummer="KF 2022/1")
    Dokumentlank.objects.create(fran=riktlinje, till=policy, typ=Dokumentlank.Typ.KONKRETISERAR)
    never = DokumentFactory(agare=bun)
    DokumentversionFactory(dokument=never, titel="Aldrigpubliceratordet")
    Dokumentlank.objects.create(fran=never, till=policy, typ=Dokumentlank.Typ.KONKRETISERAR)
    secret = DokumentFactory(agare=bun, status=Dokument.Status.UTKAST)
    DokumentversionFactory(
        dokument=secret, titel="Sekretessordet", sekretess=True, sekretess_paragraf="26 kap. 1 §"
    )
    # Goals
    mal = MalFactory(agare=bun, titel="Fler elever klarar kraven", nummer="1.1")
    draft_parent = MalFactory(agare=kf, titel="Malutkastordet", status=Mal.Status.UTKAST)
    mal.overordnade.add(draft_parent)
    kf_mal = MalFactory(agare=kf, titel="En skola i toppklass")
    mal.overordnade.add(kf_mal)
    draft = MalFactory(agare=bun, titel="Dolttitelordet", status=Mal.Status.UTKAST)
    draft.overordnade.add(kf_mal)
    IndikatorFactory(mal=draft, namn="Indikatorutkastordet")
    ind = IndikatorFactory(mal=mal, namn="Andel behöriga till gymnasiet", enhet="%")
    MalvardeFactory(indikator=ind, ar=2024, varde=Decimal("85.5"))
    MalvardeFactory(indikator=ind, ar=2025, varde=Decimal("87"))
    final = VardeFactory(indikator=ind, ar=2024, totalt=Decimal("84.20"), kommentar="Slutligt")
    VardeFactory(
        indikator=ind, ar=2025, totalt=Decimal("86"), preliminar=True, kommentar="Preliminarordet"
    )
    today = datetime.date.today()
    VardeFactory(
        indikator=ind,
        ar=today.year + 1,
        periodtyp=Periodtyp.MANAD,
        periodnummer=1,
        totalt=Decimal("90"),
        kommentar="Pagaendeordet",
    )
    # Reports
    adopted = rapport_for(
        bun,
        status=Rapport.Status.ANTAGEN,
        beslutsdatum=datetime.date(2026, 4, 20),
        paragraf="§ 34",
        diarienummer="KF 2026/12",
        antagen_av=kf,
    )
    frys(adopted, slag=Rapportversion.Slag.ANTAGEN)
    submitted = rapport_for(org["sn"], status=Rapport.Status.INLAMNAD)
    innehall = exempel_innehall()
    innehall["mal"][0]["analys"] = "Inlamnadordet"
    frys(submitted, innehall)
    reopened = rapport_for(
        org["buf"],
        status=Rapport.Status.UTKAST,
        typ_namn="Delårsrapport",
        beslutsdatum=datetime.date(2025, 10, 1),
        antagen_av=bun,
    )
    frys(reopened, slag=Rapportversion.Slag.ANTAGEN)
    changed = exempel_innehall()
    changed["mal"][1]["analys"] = "Omarbetningsordet"
    frys(reopened, changed, nummer=2, anledning="Rättelse")
    return {
        "riktlinje": riktlinje,
        "policy": policy,
        "never": never,
        "secret": secret,
        "mal": mal,
        "kf_mal": kf_mal,
        "draft": draft,
        "draft_parent": draft_parent,
        "indikator": ind,
        "draft_indikator": draft.indikatorer.get(),
        "final": final,
        "adopted": adopted,
        "submitted": submitted,
        "reopened": reopened,
    }
