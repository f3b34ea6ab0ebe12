"""A report's content as one JSON-serialisable dict: what the report page, the frozen version
(snapshot), the compilation upwards, the HTML view and the PDF all read.

Schema 1 (every amount in kronor and every decimal as a string, "" when missing):

    {
      "schema": 1,
      "rapport": {"id", "typ", "typ_kod", "typ_namn", "beloppsenhet",
                  "organisation": {"id", "namn", "kod", "typ"},
                  "period": "2026M03", "period_label", "ackumulerad_label", "riktpunkt": "25.0",
                  "status", "version"},
      "ekonomi": {"rader": [{"organisation_id", "kod", "namn", "budget_ar", "budget_hittills",
                             "utfall_hittills", "utfall_hittills_fg", "prognos",
                             "foregaende_prognos", "avvikelse", "forbrukat_procent"}],
                  "total": {same keys but organisation_id/kod/namn},
                  "prognos_motivering": "…", "prognos_forslag": "…"},
                # a report's organisation and its verksamheter; kommunstyrelsen's delårsrapport
                # and årsredovisning (the whole municipality): kommunstyrelsen's own row, then
                # one per nämnd and bolag compiled, from its frozen total, and their sum
                # (`sammanstallning.summerad_ekonomi`)
      "mal": [{"id", "nummer", "titel", "malomrade", "forslag", "forslag_label", "utfall",
               "utfall_label", "analys",
               "indikatorer": [{"id", "namn", "enhet", "varde", "malvarde"}]}],
      "uppdrag": [{"id", "titel", "status", "status_label", "kommentar"}],
      "avsnitt": [{"kod", "rubrik", "slag", "obligatorisk", "text", "klar"}],
      "atgarder": [{"id", "beskrivning", "ansvarig", "datum", "effekt_kronor", "indikator",
                    "effekt_varde", "status", "status_label"}],
      "atgardsuppfoljning": [{"atgard_id", "beskrivning", "status", "status_label",
                              "kommentar"}],
      "delar": [...]            # compiled reports only: one summary per report compiled
      "bilagor": [{"kod", "rubrik", "filnamn", "tabell"}],   # delårsrapport/årsredovisning
      "balanskrav": {...} | null,
    }

The checksum of a frozen version is SHA-256 of the canonical form (`canonical`): keys sorted,
no whitespace, UTF-8.
"""

import hashlib
import json

SCHEMA = 1


def canonical(innehall: dict) -> bytes:
    return json.dumps(innehall, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def checksum(innehall: dict) -> str:
    return hashlib.sha256(canonical(innehall)).hexdigest()
