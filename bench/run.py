"""`make bench` (issue 9): measure the pages of a large generated municipality under gunicorn
against the floors of the same project, and print one table (also written as JSON under
var/bench/).

    python -m bench.run [--scale 0.1] [--seed 1] [--database postgres://…] [--profile]

Steps: wrk is installed when missing (Debian's package), the database is created and migrated
and `manage.py bench_data --reuse` fills it (or finds it filled), gunicorn starts with
production settings (DEBUG=0, a generated SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, BENCH=1) and
wrk measures on loopback, interleaving the floors (bench/views.py) and each page, round after
round: this machine is shared, so absolute figures mean little and the ratio of a page's
throughput to a floor measured in the same round means a lot. The query counts, the PDF
timings and the search in the database are measured in this process against the same database.
gunicorn is stopped at the end whatever happens.

Everything can also be set from the environment (BENCH_SCALE, BENCH_SEED, BENCH_DATABASE_URL,
BENCH_PORT, BENCH_WORKERS, BENCH_DURATION, BENCH_ROUNDS, BENCH_CONNECTIONS, BENCH_PROFILE).
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
OUT_DIR = BASE_DIR / "var" / "bench"

# The goals of issue 9.
CACHED_SHARE = 0.70  # anonymous (cached) pages: share of the trivial floor's throughput
UNCACHED_SHARE = 0.15  # uncached public pages and staff pages
SEARCH_DB_P95_MS = 50.0
PDF_OVERHEAD = 0.10  # the app's PDF at most 10 % over WeasyPrint's own time
STORED_PDF_MS = 50.0
WORKER_PEAK_MB = 300.0
PUBLIC_HTML_BYTES = 300_000

FLOORS = {"trivial": "/bench/trivial/", "tabell": "/bench/tabell/"}


# --- wrk's output ---------------------------------------------------------------------------


@dataclass
class WrkResult:
    requests_per_s: float
    requests: int
    p50_ms: float | None
    p75_ms: float | None
    p90_ms: float | None
    p99_ms: float | None
    errors: int  # non-2xx/3xx responses and socket errors (timeouts included)


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_duration_ms(text: str) -> float:
    """A duration as wrk prints it ("812.00us", "2.10ms", "1.03s", "1.00m") in milliseconds."""
    match = re.fullmatch(r"\s*([\d.]+)\s*(us|ms|s|m|h)\s*", text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match[1]) * _UNITS_MS[match[2]]


def parse_wrk(output: str) -> WrkResult:
    """The figures of one `wrk --latency` run."""
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    count = re.search(r"^\s*(\d+) requests in ", output, re.M)
    if not rps or not count:
        raise ValueError("wrk printed no result:\n" + output)
    percentiles = {
        int(m[1]): parse_duration_ms(m[2])
        for m in re.finditer(r"^\s+(50|75|90|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.M)
    }
    errors = 0
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    if non2xx:
        errors += int(non2xx[1])
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if sockets:
        errors += sum(int(n) for n in sockets.groups())
    return WrkResult(
        requests_per_s=float(rps[1]),
        requests=int(count[1]),
        p50_ms=percentiles.get(50),
        p75_ms=percentiles.get(75),
        p90_ms=percentiles.get(90),
        p99_ms=percentiles.get(99),
        errors=errors,
    )


# --- The report -----------------------------------------------------------------------------


@dataclass
class PageResult:
    name: str
    label: str
    path: str
    signed_in: bool
    role: str = ""  # whom the page is measured as when signed in (förtroendevald, sekreterare)
    rounds: list[dict] = field(default_factory=list)
    requests_per_s: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    share_trivial: float | None = None
    share_tabell: float | None = None
    errors: int = 0
    status: int | None = None
    html_bytes: int | None = None
    html_gzip_bytes: int | None = None
    compressed: bool | None = None
    cache_control: str = ""
    queries: int | None = None
    queries_warm: int | None = None

    def summarise(self) -> None:
        """Medians over the rounds; a share is taken within each round, then the median."""
        if not self.rounds:
            return
        med = statistics.median
        self.requests_per_s = med(r["page"]["requests_per_s"] for r in self.rounds)
        p50s = [r["page"]["p50_ms"] for r in self.rounds if r["page"]["p50_ms"] is not None]
        p99s = [r["page"]["p99_ms"] for r in self.rounds if r["page"]["p99_ms"] is not None]
        self.p50_ms = med(p50s) if p50s else None
        self.p99_ms = med(p99s) if p99s else None
        self.errors = sum(r["page"]["errors"] for r in self.rounds)
        for floor in FLOORS:
            shares = [
                r["page"]["requests_per_s"] / r[floor]["requests_per_s"]
                for r in self.rounds
                if r[floor]["requests_per_s"]
            ]
            setattr(self, f"share_{floor}", med(shares) if shares else None)

    def checks(self) -> dict[str, bool | None]:
        """The issue's goals for this page: None where a goal does not apply or was not
        measured. Anonymous pages are to be cached (70 % of the trivial floor), every page is
        to reach at least the uncached 15 %, no public page is over 300 KB."""
        share = self.share_trivial
        ok = self.status == 200 and not self.errors
        return {
            "cached_70": (ok and share >= CACHED_SHARE)
            if share is not None and not self.signed_in
            else None,
            "uncached_15": (ok and share >= UNCACHED_SHARE) if share is not None else None,
            "size_300kb": (self.html_bytes <= PUBLIC_HTML_BYTES)
            if self.html_bytes is not None and not self.signed_in
            else None,
        }


def _fmt(value, digits: int = 0, suffix: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "NEJ"
    if isinstance(value, float) or (digits and isinstance(value, int)):
        return f"{value:,.{digits}f}".replace(",", " ") + suffix
    if isinstance(value, int):
        return f"{value:,}".replace(",", " ") + suffix
    return str(value)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows, strict=True)]
    lines = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )
        for cells in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_report(report: dict) -> str:
    """The one plain table: the pages, then the other measures, each with its goal."""
    head = report["setup"]
    out = [
        f"Prestandamätning {head['time']}: skala {head['scale']}, frö {head['seed']}, "
        f"{head['workers']} gunicorn-arbetare, wrk {head['connections']} anslutningar, "
        f"{head['rounds']} rundor à {head['duration_s']} s per sida och golv"
        + (f", cache {head['cache']}" if head.get("cache") else ""),
        "",
    ]
    floors = report["floors"]
    out.append(
        "Golv (median req/s): trivial "
        + _fmt(floors.get("trivial", {}).get("requests_per_s"), 0)
        + ", tabell med 50 rader "
        + _fmt(floors.get("tabell", {}).get("requests_per_s"), 0)
    )
    out.append("")
    rows = []
    for page in report["pages"]:
        c = page["checks"]
        rows.append(
            [
                page["label"] + (f" ({page['role'] or 'inloggad'})" if page["signed_in"] else ""),
                _fmt(page["requests_per_s"], 1),
                _fmt(page["p50_ms"], 1),
                _fmt(page["p99_ms"], 1),
                _fmt(page["share_trivial"] * 100 if page["share_trivial"] is not None else None, 1),
                _fmt(page["share_tabell"] * 100 if page["share_tabell"] is not None else None, 1),
                _fmt(page["html_bytes"]),
                _fmt(page["html_gzip_bytes"]),
                {True: "ja", False: "nej", None: "–"}[page["compressed"]],
                _fmt(page["queries"]),
                _fmt(page["queries_warm"]),
                _fmt(c["cached_70"]),
                _fmt(c["uncached_15"]),
                _fmt(c["size_300kb"]),
            ]
            + ([f"FEL {page['errors']}"] if page["errors"] or page["status"] != 200 else [""])
        )
    out.append(
        _table(
            [
                "Sida",
                "req/s",
                "p50 ms",
                "p99 ms",
                "% triv",
                "% tabell",
                "HTML byte",
                "gzip byte",
                "gzip svar",
                "SQL",
                "SQL igen",
                "≥70 %",
                "≥15 %",
                "≤300 kB",
                "",
            ],
            rows,
        )
    )
    out.append("")
    out.append(
        _table(
            ["Mått", "Värde", "Mål", "Uppfyllt"],
            [[g["label"], g["value"], g["goal"], _fmt(g["passed"])] for g in report["goals"]],
        )
    )
    return "\n".join(out)


def write_json(report: dict, out_dir: Path = OUT_DIR) -> Path:
    """The report as JSON under var/bench/, one file per run, and latest.json beside it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = report["setup"]["time"].replace(":", "").replace("-", "")
    path = out_dir / f"bench-{report['setup']['scale']}-{stamp}.json"
    text = json.dumps(report, ensure_ascii=False, indent=2)
    path.write_text(text, encoding="utf-8")
    (out_dir / "latest.json").write_text(text, encoding="utf-8")
    return path


def goal_rows(report: dict) -> list[dict]:
    """The goals that are not per page: search in the database, PDF, memory, page sizes."""
    goals = []
    for word, search in report.get("search_db", {}).items():
        p95 = search.get("p95_ms")
        goals.append(
            {
                "label": f"Sökning i databasen, {word} ord ({search['word']!r}), p95",
                "value": _fmt(p95, 1, " ms"),
                "goal": f"< {SEARCH_DB_P95_MS:.0f} ms",
                "passed": p95 < SEARCH_DB_P95_MS if p95 is not None else None,
            }
        )
    pdf = report.get("pdf", {})
    if pdf.get("app_ms") is not None:
        overhead = pdf["app_ms"] / pdf["weasyprint_ms"] - 1
        goals.append(
            {
                "label": "PDF: appens tid mot WeasyPrints egen (samma HTML)",
                "value": f"{pdf['app_ms']:.0f} ms mot {pdf['weasyprint_ms']:.0f} ms "
                f"({overhead * 100:+.1f} %)",
                "goal": f"≤ +{PDF_OVERHEAD * 100:.0f} %",
                "passed": overhead <= PDF_OVERHEAD,
            }
        )
    if pdf.get("stored_p99_ms") is not None:
        goals.append(
            {
                "label": "Lagrad PDF över HTTP, en anslutning, p99 (p50)",
                "value": f"{pdf['stored_p99_ms']:.1f} ms ({pdf['stored_p50_ms']:.1f} ms)",
                "goal": f"< {STORED_PDF_MS:.0f} ms",
                "passed": pdf["stored_p99_ms"] < STORED_PDF_MS and not pdf.get("stored_errors"),
            }
        )
    memory = report.get("memory", {})
    if memory.get("worker_peak_mb") is not None:
        goals.append(
            {
                "label": "Arbetarens högsta minne (VmHWM)",
                "value": _fmt(memory["worker_peak_mb"], 1, " MB"),
                "goal": f"< {WORKER_PEAK_MB:.0f} MB",
                "passed": memory["worker_peak_mb"] < WORKER_PEAK_MB,
            }
        )
    sizes = [p["html_bytes"] for p in report["pages"] if not p["signed_in"] and p["html_bytes"]]
    if sizes:
        goals.append(
            {
                "label": "Största publika HTML-sidan",
                "value": _fmt(max(sizes), suffix=" byte"),
                "goal": f"≤ {PUBLIC_HTML_BYTES:,} byte".replace(",", " "),
                "passed": max(sizes) <= PUBLIC_HTML_BYTES,
            }
        )
    return goals


# --- Setup: wrk, the database, the data ------------------------------------------------------


@dataclass
class Config:
    scale: str
    seed: int
    database_url: str
    port: int
    workers: int
    duration: int
    rounds: int
    connections: int
    profile: bool
    skip_data: bool = False
    out_dir: Path = OUT_DIR


def default_database_url(scale: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/styrning_bench_{scale.replace('.', '_')}"


def parse_args(argv=None) -> Config:
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", default=env("BENCH_SCALE") or "1")
    parser.add_argument("--seed", type=int, default=int(env("BENCH_SEED") or 1))
    parser.add_argument("--database", default=env("BENCH_DATABASE_URL") or "")
    parser.add_argument("--port", type=int, default=int(env("BENCH_PORT") or 8601))
    parser.add_argument("--workers", type=int, default=int(env("BENCH_WORKERS") or 2))
    parser.add_argument(
        "--duration", type=int, default=int(env("BENCH_DURATION") or 3), help="s per wrk run"
    )
    parser.add_argument("--rounds", type=int, default=int(env("BENCH_ROUNDS") or 3))
    parser.add_argument("--connections", type=int, default=int(env("BENCH_CONNECTIONS") or 4))
    parser.add_argument(
        "--profile",
        action="store_true",
        default=(env("BENCH_PROFILE") or "").lower() in {"1", "true", "yes", "ja"},
        help="profile the slowest page with pyinstrument (HTML under var/bench/)",
    )
    parser.add_argument(
        "--skip-data",
        action="store_true",
        help="measure the database as it is (no bench_data), e.g. the demo's",
    )
    args = parser.parse_args(argv)
    return Config(
        scale=args.scale,
        seed=args.seed,
        database_url=args.database or default_database_url(args.scale),
        port=args.port,
        workers=args.workers,
        duration=args.duration,
        rounds=args.rounds,
        connections=args.connections,
        profile=args.profile,
        skip_data=args.skip_data,
    )


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    print("wrk saknas: installerar Debians paket wrk", flush=True)
    apt = ["apt-get"] if os.geteuid() == 0 else ["sudo", "apt-get"]
    subprocess.run([*apt, "update", "-qq"], check=True)
    subprocess.run(
        [*apt, "install", "-y", "-qq", "--no-install-recommends", "wrk"],
        check=True,
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
    )
    return shutil.which("wrk") or "wrk"


PLANNER_SETTINGS = {"random_page_cost": "1.1", "effective_cache_size": "4GB"}


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database when it does not exist (SQLite creates itself), with the
    production planner costs."""
    import dj_database_url
    import psycopg

    conf = dj_database_url.parse(url)
    if conf["ENGINE"] != "django.db.backends.postgresql":
        return
    params = {
        "host": conf.get("HOST") or None,
        "port": conf.get("PORT") or None,
        "user": conf.get("USER") or None,
        "password": conf.get("PASSWORD") or None,
        "dbname": "postgres",
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [conf["NAME"]]
        ).fetchone()
        if not exists:
            print(f"Skapar databasen {conf['NAME']}", flush=True)
            conn.execute(
                psycopg.sql.SQL("CREATE DATABASE {}").format(psycopg.sql.Identifier(conf["NAME"]))
            )
        # The planner costs deploy/README.md sets on a production server, for this database only.
        for name, value in PLANNER_SETTINGS.items():
            conn.execute(
                psycopg.sql.SQL("ALTER DATABASE {} SET {} = {}").format(
                    psycopg.sql.Identifier(conf["NAME"]),
                    psycopg.sql.Identifier(name),
                    psycopg.sql.Literal(value),
                )
            )


def _safe_url(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def server_env(config: Config, secret_key: str) -> dict[str, str]:
    """Production settings for gunicorn and for this process (which adds the test client's
    host name)."""
    name = re.sub(r"\W", "_", config.database_url.rsplit("/", 1)[-1]) or "bench"
    return {
        **os.environ,
        "DATABASE_URL": config.database_url,
        "SECRET_KEY": secret_key,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "BENCH": "1",
        "MEDIA_ROOT": str(config.out_dir / "media" / name),
        "SITE_URL": f"http://127.0.0.1:{config.port}",
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], env=env, check=True)


# --- Measuring in this process (test client, PDF, EXPLAIN) -----------------------------------


def pick_targets() -> dict:
    """The ids to measure: the generator's (bench.generate.targets), or, in a database the
    generator did not fill (`--skip-data` on the demo, for development), found by query."""
    from bench import generate

    try:
        found = dict(generate.targets())
    except LookupError:
        return _targets_by_query()
    return {"common_word": generate.COMMON_WORD, "rare_word": generate.RARE_WORD, **found}


def _targets_by_query() -> dict:
    from django.db.models import Count

    from dokument.models import Dokument, Dokumentversion
    from mal.models import Mal
    from styrning.models import Organisation, Roll

    T = Organisation.Typ
    dokument = (
        Dokument.objects.filter(
            status=Dokument.Status.GALLANDE,
            versioner__ar_aktuell=True,
            versioner__status=Dokumentversion.Status.PUBLICERAD,
        )
        .annotate(n=Count("versioner", distinct=True))
        .order_by("-n", "pk")
        .first()
    )
    antaget = Mal.objects.filter(status=Mal.Status.ANTAGET)
    top = (
        antaget.filter(agare__typ=T.KOMMUNFULLMAKTIGE, overordnade=None)
        .annotate(n=Count("delmal"))
        .order_by("-n", "pk")
        .first()
    )
    unit = antaget.filter(agare__typ=T.ENHET).order_by("pk").first()
    organ = (
        Organisation.objects.filter(typ=T.NAMND)
        .annotate(n=Count("mal"))
        .order_by("-n", "pk")
        .first()
    )

    def someone(roll):
        found = Roll.objects.filter(roll=roll).select_related("anvandare").first()
        return found.anvandare.get_username() if found else None

    return {
        "dokument": dokument.pk if dokument else None,
        "mal_toppniva": top.pk if top else None,
        "mal_enhet": unit.pk if unit else None,
        "organ": organ.pk if organ else None,
        "organisation": organ.pk if organ else None,
        "anvandare_fortroendevald": someone(Roll.Typ.FORTROENDEVALD),
        "anvandare_sekreterare": someone(Roll.Typ.NAMNDSEKRETERARE),
        "common_word": "kommunen",
        "rare_word": "solrosens",
    }


def _target(targets: dict, *names):
    for name in names:
        if targets.get(name) is not None:
            return targets[name]
    return None


def _report_pages() -> list[tuple]:
    """The follow-up's pages, their targets found by query: a unit's submitted report (as the
    controller), a förvaltning's compiled report, and the status board of the latest period."""
    from styrning.models import Organisation
    from uppfoljning.models import Rapport, Rapportperiod

    T = Organisation.Typ
    submitted = Rapport.objects.filter(status__in=["inlamnad", "godkand"]).order_by("-pk")
    unit = submitted.filter(organisation__typ=T.ENHET).values_list("pk", flat=True).first()
    forv = submitted.filter(organisation__typ=T.FORVALTNING).values_list("pk", flat=True).first()
    period = Rapportperiod.objects.order_by("-sista_dag", "pk").values_list("pk", flat=True).first()
    return [
        ("rapport", "En enhets rapport", f"/uppfoljning/rapporter/{unit}/", "controller", unit),
        (
            "sammanstallning",
            "En förvaltnings sammanställda rapport",
            f"/uppfoljning/sammanstallning/{forv}/",
            "controller",
            forv,
        ),
        (
            "statustavla",
            "Statustavlan, senaste perioden",
            f"/uppfoljning/status/?period={period}",
            "controller",
            period,
        ),
    ]


def pages_to_measure(targets: dict) -> list[PageResult]:
    from urllib.parse import urlencode

    from dokument.models import Dokumenttyp

    typ = Dokumenttyp.objects.order_by("-rang", "pk").values_list("pk", flat=True).first()
    dokument = _target(targets, "dokument_id", "dokument")
    top = _target(targets, "mal_kf_id", "mal_toppniva")
    unit = _target(targets, "mal_enhet_id", "mal_enhet")
    organ = _target(targets, "organ_id", "organ")
    org = _target(targets, "organisation_id", "organisation")
    filtered = urlencode({"typ": typ or "", "status": "gallande", "sortering": "nyast"})
    candidates = [
        ("dokument_lista", "Dokumentlistan, filtrerad", f"/dokument/?{filtered}", ""),
        ("dokument", "Ett dokument", f"/dokument/{dokument}/", "", dokument),
        (
            "sok_vanligt",
            "Sökning, vanligt ord",
            "/dokument/?" + urlencode({"q": targets["common_word"]}),
            "",
        ),
        (
            "sok_sallsynt",
            "Sökning, sällsynt ord",
            "/dokument/?" + urlencode({"q": targets["rare_word"]}),
            "",
        ),
        ("start", "Startsidan", "/", ""),
        ("maltrad", "Målträdet", "/mal/", ""),
        ("maltrad_inloggad", "Målträdet", "/mal/", "förtroendevald"),
        ("mal_toppniva", "Mål på högsta nivån", f"/mal/{top}/", "", top),
        ("mal_enhet", "Mål för en enhet", f"/mal/{unit}/", "", unit),
        ("organ", "Ett organs sida", f"/mal/organ/{organ}/", "", organ),
        ("forfattningssamling", "Författningssamlingen", "/dokument/forfattningssamling/", ""),
        ("organisation_lista", "Organisationslistan", "/organisation/", ""),
        ("organisation", "En nämnds organisationssida", f"/organisation/{org}/", "", org),
        ("granskning", "Aktualitetsprövningen", "/dokument/granskning/", "sekreterare"),
        *_report_pages(),
    ]
    pages = []
    for name, label, path, role, *needed in candidates:
        if needed and needed[0] is None:
            print(f"Hoppar över {label}: inget mål att mäta i datan", flush=True)
            continue
        pages.append(PageResult(name=name, label=label, path=path, signed_in=bool(role), role=role))
    return pages


def signed_in_users(targets: dict) -> dict:
    """The users the signed-in pages are measured as, by role (the generator's bench users)."""
    from django.contrib.auth import get_user_model

    users = {}
    for role, key in (
        ("förtroendevald", "anvandare_fortroendevald"),
        ("sekreterare", "anvandare_sekreterare"),
        ("controller", "anvandare_controller"),
    ):
        username = targets.get(key) or ("bench_controller" if role == "controller" else "")
        user = get_user_model().objects.filter(username=username).first()
        if user is not None:
            users[role] = user
    return users


def count_queries(pages: list[PageResult], users: dict) -> None:
    """Queries of one request through the test client: with no cache at all, and the second of
    two requests with a fresh cache of this process (what a warm cache leaves)."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    local = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    for page in pages:
        client = Client()
        if page.signed_in:
            client.force_login(users[page.role])
        with override_settings(CACHES=dummy), CaptureQueriesContext(connection) as ctx:
            response = client.get(page.path)
        page.queries = len(ctx.captured_queries) if response.status_code == 200 else None
        with override_settings(CACHES=local):
            client.get(page.path)
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(page.path)
        page.queries_warm = len(ctx.captured_queries) if response.status_code == 200 else None


def search_in_database(targets: dict, repeats: int = 20) -> dict:
    """EXPLAIN ANALYZE of the queries the search page runs that touch the search index, for a
    common and a rare word: the execution times summed per search, p50 and p95 over repeats."""
    from django.db import connection
    from django.test import Client, override_settings
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        return {}
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    result = {}
    for kind, word in (("vanligt", targets["common_word"]), ("sällsynt", targets["rare_word"])):
        with override_settings(CACHES=dummy), CaptureQueriesContext(connection) as ctx:
            Client().get("/dokument/", {"q": word})
        sqls = [
            q["sql"]
            for q in ctx.captured_queries
            if "sokvektor" in q["sql"] or "tsquery" in q["sql"] or "@@" in q["sql"]
        ]
        times = []
        with connection.cursor() as cursor:
            for _ in range(repeats + 1):  # the first loads the dictionary: not counted
                total = 0.0
                for sql in sqls:
                    cursor.execute("EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) " + sql)
                    total += cursor.fetchone()[0][0]["Execution Time"]
                times.append(total)
        times = sorted(times[1:])
        result[kind] = {
            "word": word,
            "queries": len(sqls),
            "p50_ms": statistics.median(times) if sqls else None,
            "p95_ms": times[max(0, round(0.95 * len(times)) - 1)] if sqls else None,
        }
    return result


def pdf_timings(document_id, repeats: int = 7) -> dict:
    """The app's time to render a document's PDF against WeasyPrint's own on the same HTML with
    the same options (PDF/A-3a, tagged), interleaved; the least of each (the machine is shared:
    the least time is the one least disturbed), medians beside it. Then the stored PDF of the
    published version is made if missing, for the HTTP measurement."""
    from weasyprint import HTML

    from dokument.models import Dokumentversion
    from dokument.pdf import has_stored_pdf, render_document_html, render_document_pdf
    from styrning.pdf import PDF_VARIANT, STATIC_DIR, LocalFileFetcher

    version = (
        Dokumentversion.objects.select_related("dokument__typ", "faststalld_av", "dokumentansvarig")
        .prefetch_related("giltighetsomrade")
        .filter(dokument_id=document_id, ar_aktuell=True)
        .first()
    )
    if version is None:
        return {}

    def app():
        return render_document_pdf(version)

    html = render_document_html(version)

    def weasyprint():
        return HTML(
            string=html,
            base_url=STATIC_DIR.resolve().as_uri() + "/",
            url_fetcher=LocalFileFetcher(),
        ).write_pdf(
            pdf_variant=PDF_VARIANT,
            pdf_tags=True,
            pdf_identifier=f"styrning-{version.dokument_id}-{version.versionsnummer}".encode(),
        )

    app(), weasyprint()  # fonts and caches loaded once
    app_times, weasy_times = [], []
    for _ in range(repeats):
        for fn, times in ((app, app_times), (weasyprint, weasy_times)):
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
    if not has_stored_pdf(version) and version.status == Dokumentversion.Status.PUBLICERAD:
        from dokument.pdf import store_version_pdf

        store_version_pdf(version.pk)
    return {
        "document": document_id,
        "version": version.versionsnummer,
        "html_bytes": len(html.encode()),
        "app_ms": min(app_times),
        "weasyprint_ms": min(weasy_times),
        "app_median_ms": statistics.median(app_times),
        "weasyprint_median_ms": statistics.median(weasy_times),
        "app_runs_ms": app_times,
        "weasyprint_runs_ms": weasy_times,
    }


def profile_page(page: PageResult, user, out_dir: Path, requests: int = 5) -> Path:
    """pyinstrument over a few requests of the page through the test client (no cache), saved
    as HTML and as text."""
    from django.test import Client, override_settings
    from pyinstrument import Profiler

    client = Client()
    if page.signed_in:
        client.force_login(user)
    dummy = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with override_settings(CACHES=dummy):
        client.get(page.path)
        profiler = Profiler()
        profiler.start()
        for _ in range(requests):
            client.get(page.path)
        profiler.stop()
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"profil-{page.name}.html"
    path.write_text(profiler.output_html(), encoding="utf-8")
    path.with_suffix(".txt").write_text(profiler.output_text(color=False), encoding="utf-8")
    return path


# --- The server and the load ------------------------------------------------------------------


class Server:
    """gunicorn in its own process group, stopped on leaving the `with` whatever happens."""

    def __init__(self, config: Config, env: dict):
        self.config, self.env, self.process = config, env, None
        self.log = config.out_dir / "gunicorn.log"

    def __enter__(self):
        self.config.out_dir.mkdir(parents=True, exist_ok=True)
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "styrning.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.config.port}",
            "--workers",
            str(self.config.workers),
            "--timeout",
            "120",
            "--error-logfile",
            str(self.log),
        ]
        self.process = subprocess.Popen(
            command, cwd=BASE_DIR, env=self.env, start_new_session=True, stdout=subprocess.DEVNULL
        )
        try:
            self.wait_until_healthy()
        except BaseException:
            self.__exit__(None, None, None)  # not called when __enter__ fails
            raise
        return self

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.config.port}{path}"

    def wait_until_healthy(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn avslutades (kod {self.process.returncode}): {self.log}"
                )
            try:
                with urllib.request.urlopen(self.url("/halsa/"), timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn svarade inte på /halsa/ inom {timeout:.0f} s: {self.log}")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def __exit__(self, *exc):
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass


def vm_hwm_mb(pid: int) -> float | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
    return int(match[1]) / 1024 if match else None


def fetch(url: str, headers: dict) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wrk(
    wrk_path: str, url: str, config: Config, headers: dict, connections: int | None = None
) -> WrkResult:
    connections = connections or config.connections
    command = [
        wrk_path,
        "--latency",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{config.duration}s",
        "--timeout",
        "60s",
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def drain(server: Server, workers: int, wait_ms: float | None) -> None:
    """wrk stops with a slow page's requests still queued at the server: the next floor must
    not be measured while the workers finish them. Wait about as long as the page's slowest
    answers took, then until one request per worker has gone through the queue."""
    time.sleep(min(wait_ms or 0, 60_000) / 1000)
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda _: fetch(server.url(FLOORS["trivial"]), {}), range(workers)))


def measure(config: Config, server: Server, wrk_path: str, pages, cookies: dict) -> dict:
    """Per page: warm it, then rounds of trivial floor, table floor, page."""
    base_headers = {"Accept-Encoding": "gzip"}
    floor_runs: dict[str, list[float]] = {name: [] for name in FLOORS}
    for page in pages:
        headers = {**base_headers, **({"Cookie": cookies[page.role]} if page.signed_in else {})}
        status, response_headers, body = fetch(server.url(page.path), headers)
        page.status = status
        page.compressed = response_headers.get("Content-Encoding") == "gzip"
        page.cache_control = response_headers.get("Cache-Control", "")
        plain_headers = {k: v for k, v in headers.items() if k != "Accept-Encoding"}
        _, _, raw = fetch(server.url(page.path), plain_headers)
        page.html_bytes = len(raw)
        page.html_gzip_bytes = len(gzip.compress(raw, 6))
        print(f"{page.label}{f' ({page.role})' if page.signed_in else ''}: {page.path}", flush=True)
        for number in range(config.rounds):
            result = {}
            for name, path in FLOORS.items():
                result[name] = asdict(wrk(wrk_path, server.url(path), config, base_headers))
                floor_runs[name].append(result[name]["requests_per_s"])
            result["page"] = asdict(wrk(wrk_path, server.url(page.path), config, headers))
            page.rounds.append(result)
            drain(server, config.workers, result["page"]["p99_ms"])
            print(
                f"  runda {number + 1}: trivial {result['trivial']['requests_per_s']:.0f}, "
                f"tabell {result['tabell']['requests_per_s']:.0f}, "
                f"sidan {result['page']['requests_per_s']:.1f} req/s",
                flush=True,
            )
        page.summarise()
    return {
        name: {"requests_per_s": statistics.median(runs) if runs else None, "runs": runs}
        for name, runs in floor_runs.items()
    }


def stored_pdf(config: Config, server: Server, wrk_path: str, document_id) -> dict:
    """The stored PDF of a published document over HTTP, one connection (no queueing)."""
    url = server.url(f"/dokument/{document_id}/pdf/")
    status, headers, body = fetch(url, {})
    if status != 200 or headers.get("Content-Type") != "application/pdf":
        return {"stored_status": status}
    result = wrk(wrk_path, url, config, {}, connections=1)
    return {
        "stored_status": status,
        "stored_bytes": len(body),
        "stored_requests_per_s": result.requests_per_s,
        "stored_p50_ms": result.p50_ms,
        "stored_p99_ms": result.p99_ms,
        "stored_errors": result.errors,
    }


# --- The run ----------------------------------------------------------------------------------


def run(config: Config) -> dict:
    wrk_path = ensure_wrk()
    ensure_database(config.database_url)
    secret_key = secrets.token_urlsafe(50)
    env = server_env(config, secret_key)
    print(f"Databas: {_safe_url(config.database_url)}", flush=True)
    manage(env, "migrate", "--noinput", "-v0")
    if not config.skip_data:
        manage(env, "bench_data", "--scale", config.scale, "--seed", str(config.seed), "--reuse")
    manage(env, "collectstatic", "--noinput", "-v0")

    # This process: the same database and secret key (the session cookie is valid for both).
    os.environ.update({**env, "ALLOWED_HOSTS": "127.0.0.1,testserver"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "styrning.settings")
    import django

    django.setup()
    logging.getLogger("styrning.sakerhet").setLevel(logging.WARNING)  # force_login below

    targets = pick_targets()
    pages = pages_to_measure(targets)
    users = signed_in_users(targets)
    for page in [p for p in pages if p.signed_in and p.role not in users]:
        print(f"Ingen {page.role} att logga in som: hoppar över {page.label}", flush=True)
        pages.remove(page)
    print("Räknar frågor med testklienten", flush=True)
    count_queries(pages, users)
    print("Mäter sökningen i databasen (EXPLAIN ANALYZE)", flush=True)
    search_db = search_in_database(targets)
    document = _target(targets, "dokument_id", "dokument")
    print("Mäter pdf:en", flush=True)
    pdf = pdf_timings(document) if document else {}

    from django.conf import settings
    from django.db import connections
    from django.test import Client

    cookies = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        cookies[role] = f"{settings.SESSION_COOKIE_NAME}={client.session.session_key}"

    cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    connections.close_all()
    memory = {}
    with Server(config, env) as server:
        floors = measure(config, server, wrk_path, pages, cookies)
        if document:
            pdf.update(stored_pdf(config, server, wrk_path, document))
        workers = {pid: vm_hwm_mb(pid) for pid in server.worker_pids()}
        peaks = [mb for mb in workers.values() if mb is not None]
        memory = {
            "workers_vmhwm_mb": workers,
            "worker_peak_mb": max(peaks) if peaks else None,
        }

    report = {
        "setup": {
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "scale": config.scale,
            "seed": config.seed,
            "database": _safe_url(config.database_url),
            "workers": config.workers,
            "connections": config.connections,
            "rounds": config.rounds,
            "duration_s": config.duration,
            "targets": {k: v for k, v in targets.items() if k != "losenord"},
            "cache": cache_backend,
        },
        "floors": floors,
        "pages": [{**asdict(p), "checks": p.checks()} for p in pages],
        "pdf": pdf,
        "search_db": search_db,
        "memory": memory,
    }
    report["goals"] = goal_rows(report)
    if config.profile and pages:
        measured = [p for p in pages if p.share_trivial is not None]
        slowest = min(measured or pages, key=lambda p: p.share_trivial or 0)
        path = profile_page(slowest, users.get(slowest.role), config.out_dir)
        report["profile"] = {"page": slowest.name, "path": str(path)}
    return report


def _stop(signum, frame):
    raise SystemExit(128 + signum)  # so that gunicorn is stopped on the way out


def main(argv=None) -> int:
    config = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    report = run(config)
    print()
    print(format_report(report))
    path = write_json(report, config.out_dir)
    print(f"\nSparat som {path}")
    if "profile" in report:
        print(f"Profil av den långsammaste sidan: {report['profile']['path']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
