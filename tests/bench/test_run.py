"""What of `make bench` can be tested cheaply: the floors (mounted only with BENCH=1), the
parsing of wrk's output and the table and JSON the run writes. The run itself (gunicorn, wrk,
a generated municipality) is not part of the suite."""

import importlib
import json

import pytest
from django.urls import NoReverseMatch, clear_url_caches, reverse

from bench import run
from tests.dokument.factories import DokumentFactory, published

WRK_OK = """Running 1s test @ http://127.0.0.1:8602/
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.87ms    2.03ms  19.18ms   87.60%
    Req/Sec     1.27k   254.63     1.61k    60.00%
  Latency Distribution
     50%  812.00us
     75%    2.49ms
     90%    4.30ms
     99%    1.20s
  1267 requests in 1.00s, 231.38KB read
Requests/sec:   1261.29
Transfer/sec:    230.33KB
"""

WRK_ERRORS = """Running 1s test @ http://127.0.0.1:8602/saknas
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.64ms    1.41ms   8.41ms   82.87%
    Req/Sec     1.37k   181.86     1.65k    60.00%
  Latency Distribution
     50%    0.98ms
     75%    2.31ms
     90%    3.90ms
     99%    6.11ms
  1359 requests in 1.00s, 690.12KB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 1359
Requests/sec:   1358.63
Transfer/sec:    689.93KB
"""


@pytest.fixture
def bench_on(settings):
    """styrning/urls.py read again with BENCH=1, and again as it was afterwards."""
    import styrning.urls

    original = settings.BENCH
    settings.BENCH = True
    importlib.reload(styrning.urls)
    clear_url_caches()
    yield
    settings.BENCH = original
    importlib.reload(styrning.urls)
    clear_url_caches()


# --- The floors -------------------------------------------------------------------------------


def test_floors_are_absent_without_bench(client, settings):
    assert settings.BENCH is False
    with pytest.raises(NoReverseMatch):
        reverse("bench:trivial")
    assert client.get("/bench/trivial/").status_code == 404
    assert client.get("/bench/tabell/").status_code == 404


@pytest.mark.django_db
def test_trivial_floor_answers_ok_without_a_query(bench_on, client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("bench:trivial"))
    assert response.status_code == 200
    assert response.content == b"ok"


def _publish(n: int) -> None:
    for i in range(n):
        published(DokumentFactory(), titel=f"Riktlinje för golvet {i:03d}")


def _rows(response) -> list[str]:
    body = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    return body.split("<tr>")[1:]


@pytest.mark.django_db
def test_table_floor_shows_50_published_documents_in_the_site_layout(bench_on, client):
    _publish(52)
    response = client.get(reverse("bench:tabell"))
    assert response.status_code == 200
    rows = _rows(response)
    assert len(rows) == 50
    assert "Riktlinje för golvet 000" in rows[0]
    assert 'class="site-header"' in response.content.decode()  # the base layout
    assert response.content.decode().count("<h1>") == 1


@pytest.mark.django_db
def test_table_floor_costs_the_same_queries_for_few_and_many(
    bench_on, client, django_assert_num_queries
):
    _publish(3)
    client.get(reverse("bench:tabell"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert len(_rows(client.get(reverse("bench:tabell")))) == 3
    _publish(60)
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(_rows(client.get(reverse("bench:tabell")))) == 50


# --- wrk's output -----------------------------------------------------------------------------


def test_parse_wrk_reads_throughput_latencies_in_ms_and_count():
    result = run.parse_wrk(WRK_OK)
    assert result == run.WrkResult(
        requests_per_s=1261.29,
        requests=1267,
        p50_ms=pytest.approx(0.812),
        p75_ms=2.49,
        p90_ms=4.30,
        p99_ms=1200.0,
        errors=0,
    )


def test_parse_wrk_counts_error_responses_and_socket_errors():
    assert run.parse_wrk(WRK_ERRORS).errors == 1359 + 2 + 3


def test_parse_wrk_refuses_output_without_a_result():
    with pytest.raises(ValueError):
        run.parse_wrk("unable to connect to 127.0.0.1:8601 Connection refused\n")


@pytest.mark.parametrize(
    ("text", "ms"),
    [("812.00us", 0.812), ("2.10ms", 2.1), ("1.03s", 1030.0), ("1.00m", 60_000.0)],
)
def test_parse_duration_ms(text, ms):
    assert run.parse_duration_ms(text) == pytest.approx(ms)


# --- The report -------------------------------------------------------------------------------


def _round(trivial: float, tabell: float, page: float, p50=10.0, p99=20.0, errors=0) -> dict:
    def res(rps, p50=1.0, p99=2.0, errors=0):
        return {"requests_per_s": rps, "p50_ms": p50, "p99_ms": p99, "errors": errors}

    return {
        "trivial": res(trivial),
        "tabell": res(tabell),
        "page": res(page, p50, p99, errors),
    }


def test_page_share_is_the_median_of_each_rounds_ratio_to_its_floor():
    page = run.PageResult(name="p", label="Sidan", path="/p/", signed_in=False)
    page.rounds = [_round(1000, 100, 800), _round(500, 50, 100), _round(2000, 200, 1500)]
    page.summarise()
    # per round 0.8, 0.2, 0.75: the median is 0.75 (the ratio of the medians would be 0.8)
    assert page.share_trivial == pytest.approx(0.75)
    assert page.share_tabell == pytest.approx(7.5)
    assert page.requests_per_s == 800
    assert page.p50_ms == 10.0


def test_checks_apply_the_cached_goal_to_anonymous_pages_only():
    anonymous = run.PageResult(name="a", label="A", path="/a/", signed_in=False, status=200)
    anonymous.rounds = [_round(1000, 100, 700)]
    anonymous.summarise()
    anonymous.html_bytes = 300_001
    assert anonymous.checks() == {"cached_70": True, "uncached_15": True, "size_300kb": False}

    staff = run.PageResult(name="s", label="S", path="/s/", signed_in=True, status=200)
    staff.rounds = [_round(1000, 100, 140)]
    staff.summarise()
    staff.html_bytes = 5_000
    assert staff.checks() == {"cached_70": None, "uncached_15": False, "size_300kb": None}


def test_checks_fail_a_page_that_answered_with_errors():
    page = run.PageResult(name="a", label="A", path="/a/", signed_in=False, status=200)
    page.rounds = [_round(1000, 100, 900, errors=3)]
    page.summarise()
    assert page.checks()["cached_70"] is False


def _report() -> dict:
    page = run.PageResult(
        name="maltrad", label="Målträdet", path="/mal/", signed_in=False, status=200
    )
    page.rounds = [_round(1000, 100, 50)]
    page.summarise()
    page.html_bytes, page.html_gzip_bytes, page.queries, page.queries_warm = 5400, 900, 12, 0
    page.compressed = True
    report = {
        "setup": {
            "time": "2026-12-05T07:00:00Z",
            "scale": "0.1",
            "seed": 1,
            "workers": 2,
            "connections": 4,
            "rounds": 1,
            "duration_s": 3,
        },
        "floors": {"trivial": {"requests_per_s": 1000.0}, "tabell": {"requests_per_s": 100.0}},
        "pages": [{**run.asdict(page), "checks": page.checks()}],
        "pdf": {"app_ms": 120.0, "weasyprint_ms": 100.0},
        "search_db": {"vanligt": {"word": "kommun", "p95_ms": 12.5}},
        "memory": {"worker_peak_mb": 310.0},
    }
    report["goals"] = run.goal_rows(report)
    return report


def test_goal_rows_judge_pdf_search_memory_and_size():
    goals = {g["label"]: g["passed"] for g in _report()["goals"]}
    assert goals == {
        "Sökning i databasen, vanligt ord ('kommun'), p95": True,
        "PDF: appens tid mot WeasyPrints egen (samma HTML)": False,  # 20 % over
        "Arbetarens högsta minne (VmHWM)": False,
        "Största publika HTML-sidan": True,
    }


def test_format_report_prints_one_row_per_page_with_its_figures():
    text = run.format_report(_report())
    row = next(line for line in text.splitlines() if line.startswith("Målträdet"))
    assert row.split() == [
        "Målträdet",
        "50.0",
        "10.0",
        "20.0",
        "5.0",
        "50.0",
        "5",
        "400",
        "900",
        "ja",
        "12",
        "0",
        "NEJ",
        "NEJ",
        "ja",
    ]
    assert "+20.0 %" in text


def test_write_json_writes_the_run_and_latest(tmp_path):
    report = _report()
    path = run.write_json(report, tmp_path)
    assert path == tmp_path / "bench-0.1-20261205T070000Z.json"
    assert json.loads(path.read_text(encoding="utf-8")) == report
    assert json.loads((tmp_path / "latest.json").read_text(encoding="utf-8")) == report


@pytest.mark.django_db
def test_pages_to_measure_are_the_issues_pages_for_the_generators_targets():
    targets = {
        "dokument_id": 11,
        "mal_kf_id": 21,
        "mal_enhet_id": 22,
        "organ_id": 31,
        "organisation_id": 31,
        "common_word": "kommunen",
        "rare_word": "ekorre",
    }
    pages = {(p.name, p.path, p.role) for p in run.pages_to_measure(targets)}
    assert pages == {
        ("dokument_lista", "/dokument/?typ=&status=gallande&sortering=nyast", ""),
        ("dokument", "/dokument/11/", ""),
        ("sok_vanligt", "/dokument/?q=kommunen", ""),
        ("sok_sallsynt", "/dokument/?q=ekorre", ""),
        ("start", "/", ""),
        ("maltrad", "/mal/", ""),
        ("maltrad_inloggad", "/mal/", "förtroendevald"),
        ("mal_toppniva", "/mal/21/", ""),
        ("mal_enhet", "/mal/22/", ""),
        ("organ", "/mal/organ/31/", ""),
        ("forfattningssamling", "/dokument/forfattningssamling/", ""),
        ("organisation_lista", "/organisation/", ""),
        ("organisation", "/organisation/31/", ""),
        ("granskning", "/dokument/granskning/", "sekreterare"),
    }


@pytest.mark.django_db
def test_pages_without_a_target_in_the_data_are_left_out():
    names = [p.name for p in run.pages_to_measure({"common_word": "a", "rare_word": "b"})]
    assert "dokument" not in names
    assert "mal_enhet" not in names
    assert "maltrad" in names
