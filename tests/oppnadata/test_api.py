"""The JSON API at /api/: each operation against the data, pagination and filters, Swedish
400s for wrong parameters and 404s for unknown ids, nothing hidden in any answer, a fixed
number of queries per list, and a valid OpenAPI description with its description page."""

import datetime
import json
import re

import pytest
from django.db.models import Q
from openapi_spec_validator import validate

from mal.models import Varde
from mal.queries import is_value_public
from oppnadata.api.queries import public_values
from styrning.periods import Period, Periodtyp
from tests.dokument.factories import DokumentFactory, DokumentversionFactory, published
from tests.mal.factories import IndikatorFactory, MalFactory, MalvardeFactory, VardeFactory
from tests.oppnadata.api_world import HIDDEN_WORDS, build_world
from tests.uppfoljning.test_utdata import frys, rapport_for
from uppfoljning.models import Rapport, Rapportversion

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/organisationer/",
    "/api/dokument/",
    "/api/mal/",
    "/api/indikatorer/",
    "/api/malvarden/",
    "/api/varden/",
    "/api/rapporter/",
]


@pytest.fixture
def world(org):
    return build_world(org)


def get(client, url, expect=200, **params):
    response = client.get(url, params)
    assert response.status_code == expect, response.content
    assert response["Content-Type"].startswith("application/json")
    return response.json()


# --- Organisations ------------------------------------------------------------------------------


def test_organisations_are_the_tree_with_type_parent_and_code(client, org):
    data = get(client, "/api/organisationer/", limit=100)

    rows = {row["kod"]: row for row in data["resultat"]}
    assert data["antal"] == 12
    assert rows["BUN"] == {
        "id": org["bun"].pk,
        "kod": "BUN",
        "namn": "Barn- och utbildningsnämnden",
        "kortnamn": "",
        "forkortning": "BUN",
        "typ": "namnd",
        "typ_namn": "Nämnd",
        "overordnad_id": org["kf"].pk,
        "aktiv_fran": None,
        "aktiv_till": None,
        "url": f"http://testserver/organisation/{org['bun'].pk}/",
    }
    assert rows["0000"]["overordnad_id"] is None


def test_organisations_filter_by_type_and_parent(client, org):
    namnder = get(client, "/api/organisationer/", typ="namnd")
    under_forskolan = get(client, "/api/organisationer/", overordnad=org["forskola"].pk)

    assert sorted(r["kod"] for r in namnder["resultat"]) == ["BUN", "SN"]
    assert sorted(r["kod"] for r in under_forskolan["resultat"]) == ["BLA", "SOL"]


def test_organisation_detail(client, org):
    data = get(client, f"/api/organisationer/{org['sof'].pk}/")

    assert (data["kod"], data["overordnad_id"]) == ("SOF", org["sn"].pk)


# --- Documents ----------------------------------------------------------------------------------


def test_documents_list_published_ones_with_their_published_versions(client, world, org):
    data = get(client, "/api/dokument/")

    assert [d["titel"] for d in data["resultat"]] == [
        "Policy för skolan",
        "Riktlinjer för skolskjuts 2024",
    ]
    riktlinje = data["resultat"][1]
    pk = world["riktlinje"].pk
    assert riktlinje["url"] == f"http://testserver/dokument/{pk}/"
    assert riktlinje["diarienummer"] == "BUN 2024/11"
    assert riktlinje["aktuell_version"] == 2
    assert riktlinje["status"] == "gallande"
    assert riktlinje["agare"] == {"id": org["bun"].pk, "kod": "BUN", "namn": org["bun"].namn}
    assert [v["versionsnummer"] for v in riktlinje["versioner"]] == [2, 1]
    v2, v1 = riktlinje["versioner"]
    assert v2 == {
        "versionsnummer": 2,
        "url": f"http://testserver/dokument/{pk}/version/2/",
        "pdf_url": f"http://testserver/dokument/{pk}/version/2/pdf/",
        "aktuell": True,
        "titel": "Riktlinjer för skolskjuts 2024",
        "diarienummer": "BUN 2024/11",
        "faststalld_av": {"id": org["bun"].pk, "kod": "BUN", "namn": org["bun"].namn},
        "beslutsdatum": "2024-03-01",
        "paragraf": "§ 12",
        "giltig_fran": "2024-04-01",
        "giltig_till": None,
        "reviderad_datum": None,
        "publicerad": "2024-03-20T09:00:00Z",
        "giltighetsomrade": [org["buf"].pk],
        "filer": [
            {
                "url": f"http://testserver/dokument/{pk}/version/2/pdf/",
                "namn": "riktlinjer-for-skolskjuts-2024-version-2.pdf",
                "mediatyp": "application/pdf",
                "slag": "pdf",
            }
        ],
    }
    assert (v1["aktuell"], v1["diarienummer"], v1["beslutsdatum"]) == (
        False,
        "BUN 2023/7",
        "2023-05-02",
    )
    # The link to the policy is there; the unpublished document's link to it is not.
    assert riktlinje["lankar"] == [
        {
            "typ": "konkretiserar",
            "typ_namn": "Konkretiserar",
            "fran_id": pk,
            "till_id": world["policy"].pk,
        }
    ]
    assert data["resultat"][0]["lankar"] == riktlinje["lankar"]


def test_document_detail_has_the_published_versions_texts(client, world):
    data = get(client, f"/api/dokument/{world['riktlinje'].pk}/")

    assert [v["versionsnummer"] for v in data["versioner"]] == [2, 1]
    assert data["versioner"][0]["text"].startswith("## Syfte")


def test_a_documents_uploaded_file_is_listed_with_its_type(client, org):
    dokument = DokumentFactory(agare=org["bun"])
    published(dokument, fil="dokument/2024/plan.docx")

    data = get(client, f"/api/dokument/{dokument.pk}/")

    assert data["versioner"][0]["filer"][1] == {
        "url": f"http://testserver/dokument/{dokument.pk}/version/1/fil/",
        "namn": "plan.docx",
        "mediatyp": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "slag": "original",
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "skolskjuts"}, ["Riktlinjer för skolskjuts 2024"]),
        ({"organ": "KF"}, ["Policy för skolan"]),
        ({"ar": 2024}, ["Policy för skolan", "Riktlinjer för skolskjuts 2024"]),
        ({"ar": 2023}, []),
        ({"status": "upphavd"}, []),
        ({"status": "gallande"}, ["Policy för skolan", "Riktlinjer för skolskjuts 2024"]),
        ({"sortering": "typ"}, ["Riktlinjer för skolskjuts 2024", "Policy för skolan"]),
    ],
)
def test_documents_filter_like_the_list_page(client, world, org, params, expected):
    if params.get("organ") == "KF":
        params = {"organ": org["kf"].pk}
    if params.get("sortering") == "typ":
        world["riktlinje"].typ.rang = 90
        world["riktlinje"].typ.save()

    data = get(client, "/api/dokument/", **params)

    assert [d["titel"] for d in data["resultat"]] == expected


def test_documents_filter_by_type(client, world):
    data = get(client, "/api/dokument/", typ=world["policy"].typ_id)

    assert [d["id"] for d in data["resultat"]] == [world["policy"].pk]


# --- Goals, indicators, targets, values ---------------------------------------------------------


def test_goals_are_the_adopted_ones_with_their_public_higher_goals(client, world, org):
    data = get(client, "/api/mal/")

    assert [m["titel"] for m in data["resultat"]] == [
        "Fler elever klarar kraven",
        "En skola i toppklass",
    ]
    mal = data["resultat"][0]
    assert mal["bidrar_till"] == [world["kf_mal"].pk]  # not the draft it also contributes to
    assert mal["indikatorer"] == [world["indikator"].pk]
    assert (mal["nummer"], mal["mandatperiod"], mal["forsta_ar"], mal["sista_ar"]) == (
        "1.1",
        "2023–2026",
        2023,
        2026,
    )
    assert mal["url"] == f"http://testserver/mal/{world['mal'].pk}/"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"organisation": "bun"}, ["Fler elever klarar kraven"]),
        ({"organisationstyp": "kommunfullmaktige"}, ["En skola i toppklass"]),
        ({"ar": 2024}, ["Fler elever klarar kraven", "En skola i toppklass"]),
        ({"ar": 2027}, []),
        ({"typ": "strategiskt"}, []),
    ],
)
def test_goals_filter_by_organisation_level_type_and_year(client, world, org, params, expected):
    if "organisation" in params:
        params = {"organisation": org[params["organisation"]].pk}

    data = get(client, "/api/mal/", **params)

    assert [m["titel"] for m in data["resultat"]] == expected


def test_goal_detail_and_a_draft_goal_is_not_there(client, world):
    assert get(client, f"/api/mal/{world['mal'].pk}/")["titel"] == "Fler elever klarar kraven"
    assert get(client, f"/api/mal/{world['draft'].pk}/", expect=404) == {
        "meddelande": "Det finns inget antaget mål med det id:t.",
        "fel": [],
    }


def test_indicators_with_their_targets(client, world, org):
    data = get(client, "/api/indikatorer/")

    assert [i["namn"] for i in data["resultat"]] == ["Andel behöriga till gymnasiet"]
    ind = data["resultat"][0]
    assert ind["malvarden"] == [
        {"id": ind["malvarden"][0]["id"], "indikator_id": ind["id"], "ar": 2024, "varde": "85.5"},
        {"id": ind["malvarden"][1]["id"], "indikator_id": ind["id"], "ar": 2025, "varde": "87"},
    ]
    assert ind["matt_for"]["kod"] == "BUN"
    assert get(client, "/api/indikatorer/", mal=world["kf_mal"].pk)["resultat"] == []
    assert get(client, f"/api/indikatorer/{world['indikator'].pk}/")["id"] == ind["id"]
    get(client, f"/api/indikatorer/{world['draft_indikator'].pk}/", expect=404)


def test_targets_filter_by_indicator_and_year(client, world):
    data = get(client, "/api/malvarden/", indikator=world["indikator"].pk, ar=2025)

    assert [(t["ar"], t["varde"]) for t in data["resultat"]] == [(2025, "87")]


def test_values_are_the_final_values_of_ended_periods(client, world, org):
    data = get(client, "/api/varden/")

    assert data["resultat"] == [
        {
            "id": world["final"].pk,
            "indikator_id": world["indikator"].pk,
            "organisation": {"id": org["bun"].pk, "kod": "BUN", "namn": org["bun"].namn},
            "period": "2024",
            "ar": 2024,
            "periodtyp": "ar",
            "periodnummer": 0,
            "totalt": "84.2",
            "kvinnor": None,
            "man": None,
            "kommentar": "Slutligt",
        }
    ]


def test_values_filter_by_indicator_organisation_and_period(client, world, org):
    ind = world["indikator"]
    VardeFactory(indikator=ind, ar=2023, periodtyp=Periodtyp.TERTIAL, periodnummer=2)

    by_period = get(client, "/api/varden/", period="2023T2")
    by_year = get(client, "/api/varden/", ar=2024, indikator=ind.pk)
    elsewhere = get(client, "/api/varden/", organisation=org["sn"].pk)

    assert [v["period"] for v in by_period["resultat"]] == ["2023T2"]
    assert [v["period"] for v in by_year["resultat"]] == ["2024"]
    assert elsewhere["resultat"] == []


@pytest.mark.parametrize(
    "today",
    [
        datetime.date(2026, 1, 1),
        datetime.date(2026, 4, 30),
        datetime.date(2026, 5, 1),
        datetime.date(2026, 8, 31),
        datetime.date(2026, 9, 1),
        datetime.date(2026, 12, 31),
    ],
)
def test_public_values_query_is_is_value_public(org, today):
    """The query form of `mal.queries.is_value_public` keeps exactly the values it keeps, at
    the edges of months, tertials and years."""
    ind = IndikatorFactory(mal=MalFactory(agare=org["bun"]))
    periods = [Period(ar) for ar in (2025, 2026)]
    periods += [Period(ar, Periodtyp.TERTIAL, n) for ar in (2025, 2026) for n in (1, 2, 3)]
    periods += [Period(ar, Periodtyp.MANAD, n) for ar in (2025, 2026) for n in range(1, 13)]
    for period in periods:
        VardeFactory(indikator=ind, **Varde.period_lookup(period))

    kept = {v.period for v in public_values(today)}

    assert kept == {v.period for v in Varde.objects.all() if is_value_public(v, today)}
    assert Period(2025) in kept and Period(2026) not in kept


# --- Adopted reports ----------------------------------------------------------------------------


def test_reports_are_the_adopted_ones(client, world, org):
    data = get(client, "/api/rapporter/")

    assert sorted(r["organisation"]["kod"] for r in data["resultat"]) == ["BUF", "BUN"]
    bun = next(r for r in data["resultat"] if r["organisation"]["kod"] == "BUN")
    pk = world["adopted"].pk
    assert bun == {
        "id": pk,
        "url": f"http://testserver/uppfoljning/rapporter/{pk}/version/1/",
        "pdf_url": f"http://testserver/uppfoljning/rapporter/{pk}/version/1/pdf/",
        "titel": "Årsredovisning helår 2025",
        "typ": {"id": bun["typ"]["id"], "kod": "arsredovisning", "namn": "Årsredovisning"},
        "organisation": {"id": org["bun"].pk, "kod": "BUN", "namn": org["bun"].namn},
        "period": "2025",
        "ar": 2025,
        "antagen_av": {"id": org["kf"].pk, "kod": "KF", "namn": "Kommunfullmäktige"},
        "beslutsdatum": "2026-04-20",
        "paragraf": "§ 34",
        "diarienummer": "KF 2026/12",
        "version": 1,
        "antagen": "2026-02-20T09:00:00Z",
    }


def test_reports_filter_by_body_kind_and_year(client, world, org):
    assert [r["id"] for r in get(client, "/api/rapporter/", organ=org["kf"].pk)["resultat"]] == [
        world["adopted"].pk
    ]
    typ = world["reopened"].rapportperiod.rapporttyp_id
    assert [r["id"] for r in get(client, "/api/rapporter/", typ=typ)["resultat"]] == [
        world["reopened"].pk
    ]
    assert get(client, "/api/rapporter/", ar=2024)["resultat"] == []


def test_report_detail_has_the_adopted_economy_and_goal_assessments(client, world):
    data = get(client, f"/api/rapporter/{world['adopted'].pk}/")

    assert data["beloppsenhet"] == "tkr"
    assert data["kontrollsumma"] == world["adopted"].versioner.get().kontrollsumma
    assert data["ekonomi"]["rader"][0] == {
        "organisation_id": 11,
        "kod": "FSK",
        "namn": "Förskoleverksamheten",
        "budget_ar": "300000000",
        "budget_hittills": "300000000",
        "utfall_hittills": "306500000",
        "utfall_hittills_fg": "290000000",
        "prognos": "306500000",
        "foregaende_prognos": "304000000",
        "avvikelse": "-6500000",
        "forbrukat_procent": "102.2",
    }
    assert data["ekonomi"]["total"]["namn"] == "Totalt"
    assert data["ekonomi"]["total"]["budget_ar"] == "1000000000"
    assert [(m["nummer"], m["utfall"], m["utfall_namn"]) for m in data["mal"]][:2] == [
        ("1.1", "uppfyllt", "Uppfyllt"),
        ("1.2", "ej_uppfyllt", "Ej uppfyllt"),
    ]
    assert data["mal"][0]["indikatorer"] == [
        {"id": 7, "namn": "Andel trygga barn", "enhet": "%", "varde": "91", "malvarde": "90"}
    ]


def test_a_reopened_report_shows_its_adopted_version_not_the_new_one(client, world):
    data = get(client, f"/api/rapporter/{world['reopened'].pk}/")

    assert data["version"] == 1
    assert "Omarbetningsordet" not in json.dumps(data, ensure_ascii=False)


def test_a_report_not_adopted_is_not_there(client, world):
    get(client, f"/api/rapporter/{world['submitted'].pk}/", expect=404)


# --- Pagination ---------------------------------------------------------------------------------


def test_pages_link_to_the_next_and_previous(client, org):
    first = get(client, "/api/organisationer/", limit=5)
    second = get(client, "/api/organisationer/", limit=5, offset=5)
    last = get(client, "/api/organisationer/", limit=5, offset=10)

    assert (first["antal"], len(first["resultat"]), first["foregaende"]) == (12, 5, None)
    assert first["nasta"] == "http://testserver/api/organisationer/?limit=5&offset=5"
    assert second["foregaende"] == "http://testserver/api/organisationer/?limit=5&offset=0"
    assert (len(last["resultat"]), last["nasta"]) == (2, None)
    ids = [r["id"] for page in (first, second, last) for r in page["resultat"]]
    assert len(set(ids)) == 12


def test_a_pages_links_keep_its_filters(client, org):
    first = get(client, "/api/organisationer/", typ="namnd", limit=1)

    assert first["nasta"] == "http://testserver/api/organisationer/?typ=namnd&limit=1&offset=1"
    assert get(client, first["nasta"])["resultat"][0]["typ"] == "namnd"


# --- Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params", "parameter", "message"),
    [
        ("/api/dokument/", {"limit": "abc"}, "limit", "Ange ett heltal, t.ex. 25."),
        ("/api/dokument/", {"limit": "101"}, "limit", "Värdet ska vara högst 100."),
        ("/api/dokument/", {"limit": "0"}, "limit", "Värdet ska vara minst 1."),
        ("/api/mal/", {"offset": "-1"}, "offset", "Värdet ska vara minst 0."),
        ("/api/mal/", {"ar": "tjugotjugo"}, "ar", "Ange ett heltal, t.ex. 25."),
        ("/api/mal/", {"ar": "99999"}, "ar", "Värdet ska vara högst 2200."),
        ("/api/varden/", {"indikator": "1.5"}, "indikator", "Ange ett heltal, t.ex. 25."),
        ("/api/varden/", {"period": "förra året"}, "period", "Värdet har fel form."),
        (
            "/api/varden/",
            {"period": "2025M13"},
            "period",
            "Tertialet ska vara 1–3 och månaden 1–12.",
        ),
        ("/api/organisationer/", {"typ": "byrå"}, "typ", "Okänt värde. Tillåtna värden: "),
        ("/api/dokument/", {"q": "x" * 201}, "q", "Värdet får vara högst 200 tecken."),
        ("/api/dokument/", {"typ": str(2**64)}, "typ", "Värdet ska vara högst"),
        (
            "/api/dokument/",
            {"organ": "999999"},
            "organ",
            "Välj ett giltigt alternativ. Det valet finns inte bland tillgängliga alternativ.",
        ),
        (
            "/api/mal/",
            {"organisation": "999999"},
            "organisation",
            "Det finns ingen organisation med id 999999.",
        ),
        ("/api/rapporter/", {"organ": "999999"}, "organ", "Välj ett giltigt alternativ."),
        ("/api/mal/", {"malomrad": "1"}, "malomrad", "Okänd parameter."),
        ("/api/dokument/1/", {"limit": "1"}, "limit", "Okänd parameter."),
        ("/api/dokument/abc/", {}, "id", "Ange ett heltal, t.ex. 25."),
        ("/api/mal/0/", {}, "id", "Värdet ska vara minst 1."),
    ],
)
def test_wrong_parameters_get_400_with_a_swedish_message(
    client, org, url, params, parameter, message
):
    data = get(client, url, expect=400, **params)

    assert [f["parameter"] for f in data["fel"]] == [parameter]
    assert data["fel"][0]["meddelande"].startswith(message)
    assert message.split(".")[0] in data["meddelande"]


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "tio"}, "Ange ett heltal, t.ex. 25."),
        ({"limit": "1000"}, "Värdet ska vara högst 100."),
        ({"offset": "-5"}, "Värdet ska vara minst 0."),
        ({"offset": "99999999999"}, "Värdet ska vara högst 10000000."),
    ],
)
def test_every_list_refuses_a_wrong_page_in_swedish(client, org, url, params, message):
    data = get(client, url, expect=400, **params)

    assert data["fel"] == [{"parameter": next(iter(params)), "meddelande": message}]


def test_a_report_with_a_sparse_snapshot_still_answers(client, org):
    rapport = rapport_for(org["sn"], status=Rapport.Status.ANTAGEN)
    frys(
        rapport,
        {"schema": 1, "rapport": [], "ekonomi": {"rader": ["x"], "total": 3}, "mal": "?"},
        slag=Rapportversion.Slag.ANTAGEN,
    )

    data = get(client, f"/api/rapporter/{rapport.pk}/")

    assert (data["beloppsenhet"], data["ekonomi"]["total"], data["mal"]) == ("tkr", None, [])
    assert data["ekonomi"]["rader"] == []


def test_control_characters_in_a_search_get_400(client, org):
    data = get(client, "/api/dokument/", expect=400, q="skol\x00skjuts")

    assert data["fel"][0]["parameter"] == "q"


@pytest.mark.parametrize("url", ["organisationer", "dokument", "mal", "indikatorer", "rapporter"])
def test_unknown_ids_get_404_json(client, org, url):
    data = get(client, f"/api/{url}/987654/", expect=404)

    assert data["meddelande"].startswith("Det finns ")


def test_the_api_only_reads(client, world):
    response = client.post("/api/dokument/", {})

    assert response.status_code == 405


# --- Nothing hidden anywhere --------------------------------------------------------------------


def _crawl(client, world) -> list[tuple[str, str]]:
    """Every list (every page, filtered by every hidden object's id too), every detail of what
    the lists hold and of every hidden object, the description and its page."""
    seen = []
    for url in LISTS:
        data = get(client, url, limit=100)
        seen.append((url, json.dumps(data, ensure_ascii=False)))
        for row in data["resultat"]:
            if url not in ("/api/malvarden/", "/api/varden/"):
                detail = client.get(f"{url}{row['id']}/")
                seen.append((f"{url}{row['id']}/", detail.content.decode()))
    hidden = {
        "dokument": [world["never"], world["secret"]],
        "mal": [world["draft"], world["draft_parent"]],
        "indikatorer": [world["draft_indikator"]],
        "rapporter": [world["submitted"]],
    }
    for kind, objects in hidden.items():
        for obj in objects:
            response = client.get(f"/api/{kind}/{obj.pk}/")
            assert response.status_code == 404
            seen.append((response.request["PATH_INFO"], response.content.decode()))
    for url, params in [
        ("/api/indikatorer/", {"mal": world["draft"].pk}),
        ("/api/varden/", {"indikator": world["draft_indikator"].pk}),
        ("/api/malvarden/", {"indikator": world["draft_indikator"].pk}),
        ("/api/dokument/", {"q": "Utkastordet"}),
        ("/api/dokument/", {"q": "Sekretessordet"}),
    ]:
        response = client.get(url, params)
        seen.append((url, response.content.decode()))
    for url in ("/api/openapi.json", "/api/docs"):
        seen.append((url, client.get(url).content.decode()))
    return seen


def _in_database(word: str) -> bool:
    from dokument.models import Dokumentversion
    from mal.models import Indikator, Mal

    return (
        Dokumentversion.objects.filter(Q(titel__contains=word) | Q(text__contains=word)).exists()
        or Mal.objects.filter(titel__contains=word).exists()
        or Indikator.objects.filter(namn__contains=word).exists()
        or Varde.objects.filter(kommentar__contains=word).exists()
        or any(
            word in json.dumps(v.innehall, ensure_ascii=False) for v in Rapportversion.objects.all()
        )
    )


def test_no_draft_or_internal_word_appears_in_any_answer(client, world):
    assert [w for w in HIDDEN_WORDS if not _in_database(w)] == []  # the words are there

    answers = _crawl(client, world)

    found = [(url, word) for url, body in answers for word in HIDDEN_WORDS if word in body]
    assert found == []
    assert len(answers) > 20  # the crawl did read the details


@pytest.mark.parametrize("word", ["Utkastordet", "Sekretessordet", "Aldrigpubliceratordet"])
def test_searching_for_a_hidden_word_finds_nothing(client, world, word):
    assert get(client, "/api/dokument/", q=word)["antal"] == 0


def test_a_signed_in_insider_gets_the_same_public_answers(client, world, administrator):
    client.force_login(administrator)

    answers = _crawl(client, world)

    assert [(u, w) for u, body in answers for w in HIDDEN_WORDS if w in body] == []


# --- Queries ------------------------------------------------------------------------------------


def _documents(org, n):
    for i in range(n):
        dokument = DokumentFactory(agare=org["bun"])
        published(dokument, versionsnummer=1, ar_aktuell=False, titel=f"Plan {i} äldre")
        version = published(dokument, versionsnummer=2, titel=f"Plan {i}")
        version.giltighetsomrade.set([org["buf"], org["sof"]])
        DokumentversionFactory(dokument=dokument, versionsnummer=3, titel="Utkast")
        if i:
            from dokument.models import Dokument, Dokumentlank

            Dokumentlank.objects.create(
                fran=dokument, till=Dokument.objects.order_by("pk").first(), typ="konkretiserar"
            )


def _goals(org, n):
    parent = MalFactory(agare=org["kf"])
    for i in range(n):
        mal = MalFactory(agare=org["bun"], titel=f"Mål {i}")
        mal.overordnade.add(parent)
        ind = IndikatorFactory(mal=mal)
        MalvardeFactory(indikator=ind, ar=2024)
        MalvardeFactory(indikator=ind, ar=2025)
        VardeFactory(indikator=ind, ar=2024)
        VardeFactory(indikator=ind, ar=2023)


def _reports(org, n):
    organisations = [org[k] for k in ("bun", "sn", "buf", "sof", "klf", "ks")]
    for i in range(n):
        rapport = rapport_for(organisations[i], status=Rapport.Status.ANTAGEN, antagen_av=org["kf"])
        frys(rapport, slag=Rapportversion.Slag.ANTAGEN)


@pytest.mark.parametrize(
    ("url", "make", "queries"),
    [
        ("/api/organisationer/", None, 2),
        ("/api/dokument/", _documents, 6),
        ("/api/mal/", _goals, 4),
        ("/api/indikatorer/", _goals, 3),
        ("/api/malvarden/", _goals, 2),
        ("/api/varden/", _goals, 2),
        ("/api/rapporter/", _reports, 3),
    ],
)
@pytest.mark.parametrize("n", [1, 6])
def test_each_list_runs_a_fixed_number_of_queries(
    client, org, django_assert_num_queries, url, make, queries, n
):
    if make is not None:
        make(org, n)

    with django_assert_num_queries(queries):
        data = get(client, url, limit=100)

    expected = {"/api/organisationer/": 12, "/api/mal/": n + 1}  # the goals' higher goal
    assert len(data["resultat"]) == expected.get(url, n * (2 if "vard" in url else 1))


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        ("/api/dokument/?organ={bun}&typ={typ}&ar=2024&status=gallande&q=plan", 8),
        ("/api/mal/?organisation={bun}&ar=2024&organisationstyp=namnd", 5),
        ("/api/rapporter/?organ={kf}&ar=2025", 4),
    ],
)
def test_filtered_lists_run_a_fixed_number_of_queries_too(
    client, org, django_assert_num_queries, url, queries
):
    _documents(org, 4)
    _goals(org, 4)
    _reports(org, 4)
    from dokument.models import Dokument

    typ = Dokument.objects.first().typ_id
    url = url.format(bun=org["bun"].pk, kf=org["kf"].pk, typ=typ)

    with django_assert_num_queries(queries):
        data = get(client, url)

    assert data["antal"] >= 1


# --- The description ----------------------------------------------------------------------------


def test_the_openapi_description_is_valid(client):
    spec = get(client, "/api/openapi.json")

    validate(spec)
    assert sorted(spec["paths"]) == [
        "/api/dokument/",
        "/api/dokument/{id}/",
        "/api/indikatorer/",
        "/api/indikatorer/{id}/",
        "/api/mal/",
        "/api/mal/{id}/",
        "/api/malvarden/",
        "/api/organisationer/",
        "/api/organisationer/{id}/",
        "/api/rapporter/",
        "/api/rapporter/{id}/",
        "/api/varden/",
    ]
    for operations in spec["paths"].values():
        assert sorted(operations["get"]["responses"]) == ["200", "400", "404"]


def test_the_description_page_lists_every_operation_and_field_without_scripts(client, org):
    spec = get(client, "/api/openapi.json")

    response = client.get("/api/docs")

    html = response.content.decode()
    assert response.status_code == 200
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert re.findall(r"<script|style=|https?://(?!testserver)[^\"'<\s]+\.js", html) == []
    assert html.count("<h1>") == 1
    for path, operations in spec["paths"].items():
        assert f"GET {path}</code>" in html
        assert operations["get"]["summary"] in html
    assert '<h3 id="objekt-Dokumentversion">Dokumentversion</h3>' in html
    assert "Diarienummer (ärendets nummer), t.ex. KS 2025/39." in html
    assert client.get("/api/").url == "/api/docs"
