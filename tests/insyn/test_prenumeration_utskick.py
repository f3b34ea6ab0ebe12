"""The subscription mails: direct mails with the unsubscribe headers, what changed in a
revision, digests of local days and weeks (half-open, across both clock changes of 2026, never
empty), and exactly-once delivery through the outbox with the SMTP server stopped half-way.
A real local SMTP server throughout."""

import datetime
import io
import re
import threading
import time
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from dokument import services
from insyn import prenumeration as tjanst
from insyn.handelser import Urval
from insyn.models import Prenumeration, Utskick
from insyn.tasks import SmtpFel, kor
from styrning.models import Handelse
from tests.dokument.conftest import header

STHLM = zoneinfo.ZoneInfo("Europe/Stockholm")


def _lokal(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=STHLM)


def _bekraftad(epost="anna@exempel.se", urval=None, frekvens="direkt", sedan=None):
    prenumeration = tjanst.prenumerera(epost=epost, urval=urval or Urval(), frekvens=frekvens)
    tjanst.bekrafta(token=tjanst.bekrafta_token(prenumeration))
    sedan = sedan or timezone.now() - datetime.timedelta(days=30)
    Prenumeration.objects.filter(pk=prenumeration.pk).update(bekraftad=sedan)
    prenumeration.refresh_from_db()
    return prenumeration


# --- Windows ------------------------------------------------------------------------------------


def test_a_day_is_local_midnight_to_midnight():
    fonster = tjanst.dag(datetime.date(2026, 6, 10))

    assert fonster.fran == _lokal(2026, 6, 10)
    assert fonster.till == _lokal(2026, 6, 11)
    assert fonster.till - fonster.fran == datetime.timedelta(hours=24)


def test_the_spring_clock_change_day_has_23_hours():
    fonster = tjanst.dag(datetime.date(2026, 3, 29))

    assert fonster.till - fonster.fran == datetime.timedelta(hours=23)
    assert fonster.fran.astimezone(datetime.UTC) == datetime.datetime(
        2026, 3, 28, 23, tzinfo=datetime.UTC
    )
    assert fonster.till.astimezone(datetime.UTC) == datetime.datetime(
        2026, 3, 29, 22, tzinfo=datetime.UTC
    )


def test_the_autumn_clock_change_day_has_25_hours():
    fonster = tjanst.dag(datetime.date(2026, 10, 25))

    assert fonster.till - fonster.fran == datetime.timedelta(hours=25)
    assert fonster.fran.astimezone(datetime.UTC) == datetime.datetime(
        2026, 10, 24, 22, tzinfo=datetime.UTC
    )


def test_a_week_is_monday_to_monday_and_spans_the_clock_change():
    spring = tjanst.vecka(datetime.date(2026, 3, 29))  # a Sunday
    autumn = tjanst.vecka(datetime.date(2026, 10, 21))

    assert (spring.fran, spring.till) == (_lokal(2026, 3, 23), _lokal(2026, 3, 30))
    assert spring.till - spring.fran == datetime.timedelta(hours=7 * 24 - 1)
    assert (autumn.fran, autumn.till) == (_lokal(2026, 10, 19), _lokal(2026, 10, 26))
    assert autumn.till - autumn.fran == datetime.timedelta(hours=7 * 24 + 1)


def test_windows_are_half_open_and_adjacent():
    saturday = tjanst.dag(datetime.date(2026, 3, 28))
    sunday = tjanst.dag(datetime.date(2026, 3, 29))
    midnight = _lokal(2026, 3, 29)

    assert saturday.till == sunday.fran
    assert midnight not in saturday
    assert midnight in sunday
    assert midnight - datetime.timedelta(microseconds=1) in saturday


def test_complete_windows_end_at_or_before_now():
    nu = _lokal(2026, 3, 30, 0, 30)

    assert tjanst.fardiga_fonster("daglig", nu) == [
        tjanst.dag(datetime.date(2026, 3, 29)),
        tjanst.dag(datetime.date(2026, 3, 28)),
        tjanst.dag(datetime.date(2026, 3, 27)),
    ]
    assert tjanst.fardiga_fonster("veckovis", nu)[0] == tjanst.vecka(datetime.date(2026, 3, 23))
    assert tjanst.fardiga_fonster("direkt", nu) == []


# --- Direct mails -------------------------------------------------------------------------------


def test_a_direct_mail_per_event_with_unsubscribe_headers_and_links(
    smtp_server, make_dokument, org
):
    prenumeration = _bekraftad()
    dokument = make_dokument(titel="Riktlinjer för skolskjuts")

    assert kor().skickade == 1

    [mail] = smtp_server.inbox.to("anna@exempel.se")
    body = mail.get_content()
    assert mail["Subject"] == "Nytt: Riktlinjer för skolskjuts (version 1)"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    avsluta = mail["List-Unsubscribe"].removeprefix("<").removesuffix(">")
    prefix = "https://styrning.example/prenumerera/avsluta/"
    assert avsluta.startswith(prefix)
    token = avsluta.removeprefix(prefix).removesuffix("/")
    assert tjanst.prenumeration_for_token(token, syfte="avsluta") == prenumeration
    assert f"Avsluta prenumerationen: {avsluta}" in body
    hantera = re.search(r"https://styrning\.example/prenumerera/hantera/([^/\s]+)/", body)
    assert tjanst.prenumeration_for_token(hantera.group(1), syfte="hantera") == prenumeration
    assert f"https://styrning.example/dokument/{dokument.pk}/version/1/" in body
    assert kor().skickade == 0  # a second run sends nothing
    assert len(smtp_server.inbox.messages) == 1


def test_events_before_the_confirmation_are_not_sent(smtp_server, make_dokument):
    make_dokument(titel="Före")
    _bekraftad(sedan=timezone.now())
    make_dokument(titel="Efter")

    kor()

    assert [m["Subject"] for m in smtp_server.inbox.to("anna@exempel.se")] == [
        "Nytt: Efter (version 1)"
    ]


def test_unconfirmed_and_other_selections_get_nothing(smtp_server, make_dokument, org):
    tjanst.prenumerera(epost="obekraftad@exempel.se", urval=Urval(), frekvens="direkt")
    _bekraftad(epost="sn@exempel.se", urval=Urval(organ=org["sn"].pk))
    _bekraftad(epost="bun@exempel.se", urval=Urval(organ=org["bun"].pk))
    make_dokument(titel="BUN:s riktlinje", agare="bun")
    make_dokument(titel="Utkast", publish=False)

    kor()

    assert dict(smtp_server.inbox.per_recipient()) == {"bun@exempel.se": 1}


def test_unsubscribing_drops_unsent_mail(smtp_server, make_dokument):
    prenumeration = _bekraftad()
    make_dokument()
    tjanst.forbered()
    assert Utskick.objects.count() == 1

    tjanst.avsluta(token=tjanst.avsluta_token(prenumeration))
    kor()

    assert Utskick.objects.count() == 0
    assert smtp_server.inbox.messages == []


def test_a_revision_mail_names_the_changed_fields_and_shows_a_short_diff(
    smtp_server, make_dokument, administrator, org
):
    dokument = make_dokument(
        titel="Riktlinjer för skolskjuts",
        text="## Syfte\n\nEleverna ska ha en trygg skolväg.\n\nBusskort delas ut i augusti.",
        diarienummer="BUN 2024/12",
    )
    _bekraftad(urval=Urval(dokument=dokument.pk))
    ny = services.revidera_dokument(
        user=administrator,
        dokument=dokument,
        data=header(
            titel="Riktlinjer för skolskjuts och busskort",
            text="## Syfte\n\nEleverna ska ha en trygg skolväg.\n\nBusskort delas ut i juni.",
            faststalld_av=org["bun"],
            beslutsdatum=datetime.date(2025, 2, 3),
            paragraf="§ 12",
            diarienummer="BUN 2024/12",
        ),
        senaste_version=1,
    )
    services.publicera_version(user=administrator, version=ny, bekraftat_personnummer=True)
    Handelse.objects.filter(handling="publicerad", data__ersatter_version=None).delete()

    kor()

    [mail] = smtp_server.inbox.to("anna@exempel.se")
    body = mail.get_content()
    assert mail["Subject"] == "Reviderat: Riktlinjer för skolskjuts och busskort (version 2)"
    assert "- Titel: Riktlinjer för skolskjuts → Riktlinjer för skolskjuts och busskort" in body
    assert "- Beslutsdatum: 2024-03-01 → 2025-02-03" in body
    assert "Diarienummer" not in body  # unchanged
    assert "-Busskort delas ut i augusti." in body
    assert "+Busskort delas ut i juni." in body
    assert f"https://styrning.example/dokument/{dokument.pk}/version/2/" in body
    assert f"https://styrning.example/dokument/{dokument.pk}/version/1/" in body


def test_a_long_diff_is_cut(smtp_server, make_dokument, administrator, org):
    dokument = make_dokument(text="\n".join(f"Rad {n}" for n in range(200)))
    _bekraftad(urval=Urval(dokument=dokument.pk), sedan=timezone.now())
    ny = services.revidera_dokument(
        user=administrator,
        dokument=dokument,
        data=header(
            text="\n".join(f"Ny rad {n}" for n in range(200)),
            faststalld_av=org["bun"],
            beslutsdatum=datetime.date(2025, 2, 3),
        ),
        senaste_version=1,
    )
    services.publicera_version(user=administrator, version=ny, bekraftat_personnummer=True)

    kor()

    body = smtp_server.inbox.to("anna@exempel.se")[0].get_content()
    assert "Ändringar i texten (de första raderna):" in body
    assert "Se hela jämförelsen på webbplatsen." in body
    assert body.count("+Ny rad") < 40


# --- Digests ------------------------------------------------------------------------------------


def _event_at(make_dokument, titel, tid):
    dokument = make_dokument(titel=titel)
    Handelse.objects.filter(objekt_id=dokument.pk, handling="publicerad").update(tid=tid)
    return dokument


def test_daily_digest_over_the_spring_clock_change(smtp_server, make_dokument):
    _bekraftad(frekvens="daglig", sedan=_lokal(2026, 3, 1))
    _event_at(make_dokument, "Lördag sent", _lokal(2026, 3, 28, 23, 30))
    _event_at(make_dokument, "Söndag natt", _lokal(2026, 3, 29, 0, 0))
    _event_at(make_dokument, "Söndag kväll", _lokal(2026, 3, 29, 23, 59))
    _event_at(make_dokument, "Måndag", _lokal(2026, 3, 30, 0, 0))

    tjanst.forbered(_lokal(2026, 3, 30, 6, 0))

    windows = sorted(
        (timezone.localtime(u.fonster_fran).date(), u.fonster_till - u.fonster_fran)
        for u in Utskick.objects.all()
    )
    assert windows == [
        (datetime.date(2026, 3, 28), datetime.timedelta(hours=24)),
        (datetime.date(2026, 3, 29), datetime.timedelta(hours=23)),
    ]
    tjanst.skicka()
    subjects = sorted(m["Subject"] for m in smtp_server.inbox.to("anna@exempel.se"))
    assert subjects == [
        "Dagens sammandrag 2026-03-28: 1 händelse",
        "Dagens sammandrag 2026-03-29: 2 händelser",
    ]
    sunday = next(m for m in smtp_server.inbox.messages if "03-29" in m[1]["Subject"])[1]
    body = sunday.get_content()
    assert body.index("Söndag kväll") < body.index("Söndag natt")  # newest first
    assert "Lördag sent" not in body
    assert "Måndag" not in body


def test_daily_digest_over_the_autumn_clock_change(smtp_server, make_dokument):
    _bekraftad(frekvens="daglig", sedan=_lokal(2026, 10, 1))
    # 02:30 happens twice on 25 October; both are in the day.
    first = datetime.datetime(2026, 10, 25, 0, 30, tzinfo=datetime.UTC)  # 02:30 CEST
    second = datetime.datetime(2026, 10, 25, 1, 30, tzinfo=datetime.UTC)  # 02:30 CET
    _event_at(make_dokument, "Första halv tre", first)
    _event_at(make_dokument, "Andra halv tre", second)
    _event_at(make_dokument, "Sent söndag", _lokal(2026, 10, 25, 23, 59, 59))

    tjanst.forbered(_lokal(2026, 10, 26, 0, 0))
    tjanst.skicka()

    [mail] = smtp_server.inbox.to("anna@exempel.se")
    assert mail["Subject"] == "Dagens sammandrag 2026-10-25: 3 händelser"
    [utskick] = Utskick.objects.all()
    assert utskick.fonster_till - utskick.fonster_fran == datetime.timedelta(hours=25)


def test_weekly_digest_is_grouped_by_document_newest_first(
    smtp_server, make_dokument, administrator, org
):
    _bekraftad(frekvens="veckovis", sedan=_lokal(2026, 3, 1))
    a = _event_at(make_dokument, "Dokument A", _lokal(2026, 3, 23, 9))
    _event_at(make_dokument, "Dokument B", _lokal(2026, 3, 25, 9))
    services.upphav_dokument(
        user=administrator, dokument=a, datum=datetime.date(2026, 3, 1), beslut="BUN § 1"
    )
    Handelse.objects.filter(objekt_id=a.pk, handling="upphavd").update(
        tid=_lokal(2026, 3, 29, 23, 0)
    )
    _event_at(make_dokument, "Nästa vecka", _lokal(2026, 3, 30, 0, 0))

    tjanst.forbered(_lokal(2026, 3, 31, 8))
    tjanst.skicka()

    [mail] = smtp_server.inbox.to("anna@exempel.se")
    body = mail.get_content()
    assert mail["Subject"] == "Veckans sammandrag veckan 2026-03-23–2026-03-30: 3 händelser"
    assert body.index("Upphävt: Dokument A") < body.index("Nytt: Dokument A")
    assert body.index("Nytt: Dokument A") < body.index("Dokument B")  # A's newest event first
    group_lines = [line for line in body.splitlines() if line.startswith("https://")]
    assert group_lines.count(f"https://styrning.example/dokument/{a.pk}/") == 1  # one group
    assert "Nästa vecka" not in body


def test_an_empty_digest_is_never_sent(smtp_server, make_dokument, org):
    _bekraftad(frekvens="daglig", urval=Urval(organ=org["sn"].pk), sedan=_lokal(2026, 3, 1))
    _event_at(make_dokument, "BUN:s", _lokal(2026, 3, 29, 12))

    tjanst.forbered(_lokal(2026, 3, 30, 6))
    tjanst.skicka()

    assert Utskick.objects.count() == 0
    assert smtp_server.inbox.messages == []


def test_a_digest_is_sent_once_however_often_the_task_runs(smtp_server, make_dokument):
    _bekraftad(frekvens="daglig", sedan=_lokal(2026, 3, 1))
    _event_at(make_dokument, "En", _lokal(2026, 3, 29, 12))

    for hour in (1, 2, 7, 23):
        tjanst.forbered(_lokal(2026, 3, 30, hour))
        tjanst.skicka()

    assert smtp_server.inbox.per_recipient() == {"anna@exempel.se": 1}


# --- Exactly once -------------------------------------------------------------------------------


def test_the_server_down_fails_the_task_and_keeps_the_mail(smtp_server, make_dokument, settings):
    _bekraftad()
    make_dokument()
    smtp_server.stop()

    with pytest.raises(SmtpFel):
        kor()

    [utskick] = Utskick.objects.all()
    assert utskick.skickad is None
    assert utskick.forsok == 1
    assert utskick.senaste_fel
    from django_tasks_db.models import DBTaskResult

    retry = DBTaskResult.objects.get(task_path="insyn.tasks.skicka_prenumerationer")
    assert retry.run_after > timezone.now()

    smtp_server.start()
    kor()
    assert smtp_server.inbox.per_recipient() == {"anna@exempel.se": 1}


@pytest.mark.django_db(transaction=True)  # the worker manages its own connections
def test_the_command_enqueues_and_the_worker_sends(smtp_server, make_dokument):
    _bekraftad()
    make_dokument()
    out = io.StringIO()

    call_command("insyn_prenumerationer", stdout=out)
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--interval", "0", stdout=io.StringIO()
    )

    assert out.getvalue().startswith("Utskicket ligger i kön")
    assert smtp_server.inbox.per_recipient() == {"anna@exempel.se": 1}


ANTAL = 1000


def test_1000_subscribers_server_stopped_half_way_each_gets_exactly_one(
    smtp_server, make_dokument, capsys
):
    """The server is stopped from another thread when half the mails are in, while the task
    is sending; the task fails; the server comes back; the next run sends the rest. Every
    subscriber has exactly one mail on the server."""
    sedan = timezone.now() - datetime.timedelta(days=1)
    Prenumeration.objects.bulk_create(
        Prenumeration(
            epost=f"p{n:04d}@exempel.se",
            urval_nyckel="alla",
            frekvens="direkt",
            nyckel=f"nyckel{n}",
            bekraftad=sedan,
        )
        for n in range(ANTAL)
    )
    make_dokument(titel="Riktlinjer för skolskjuts")
    inbox = smtp_server.inbox
    stopped = threading.Event()

    def stop_half_way():
        deadline = time.monotonic() + 120
        while len(inbox.messages) < ANTAL // 2 and time.monotonic() < deadline:
            time.sleep(0.001)
        smtp_server.stop()
        stopped.set()

    start = time.monotonic()
    watcher = threading.Thread(target=stop_half_way)
    watcher.start()
    runs, failures = 0, 0
    with pytest.raises(SmtpFel):
        runs += 1
        kor()
    failures += 1
    watcher.join()
    assert stopped.is_set()
    delivered_before = len(inbox.messages)
    unsent = Utskick.objects.filter(skickad__isnull=True).count()
    assert 0 < unsent < ANTAL
    assert delivered_before + unsent == ANTAL

    smtp_server.start()
    runs += 1
    kor()
    elapsed = time.monotonic() - start

    per = inbox.per_recipient()
    assert len(per) == ANTAL
    assert set(per.values()) == {1}
    assert Utskick.objects.filter(skickad__isnull=True).count() == 0
    attempts = sum(Utskick.objects.values_list("forsok", flat=True))
    with capsys.disabled():
        print(
            f"\nexactly-once: subscribers {ANTAL}, delivered {len(inbox.messages)}, "
            f"duplicates {sum(c - 1 for c in per.values())}, lost {ANTAL - len(per)}, "
            f"delivered before the stop {delivered_before}, runs {runs} ({failures} failed), "
            f"send attempts {attempts}, time {elapsed:.1f} s"
        )


# --- Sending at once and retrying the confirmation -------------------------------------------


def _queued(task_path: str):
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=task_path)


def test_a_counted_public_act_queues_the_direct_sending_when_it_commits(
    smtp_server, make_dokument, django_capture_on_commit_callbacks
):
    _bekraftad()

    with django_capture_on_commit_callbacks(execute=True):
        make_dokument()

    assert _queued("insyn.tasks.skicka_prenumerationer").count() >= 1


def test_without_direct_subscribers_a_public_act_queues_nothing(
    smtp_server, make_dokument, django_capture_on_commit_callbacks
):
    _bekraftad(frekvens="daglig")

    with django_capture_on_commit_callbacks(execute=True):
        make_dokument()

    assert _queued("insyn.tasks.skicka_prenumerationer").count() == 0


def test_a_confirmation_the_server_refused_is_retried_later_and_then_sent(smtp_server, db):
    from insyn.tasks import skicka_bekraftelse

    prenumeration = tjanst.prenumerera(epost="bo@exempel.se", urval=Urval(), frekvens="direkt")
    smtp_server.stop()

    with pytest.raises(SmtpFel):
        skicka_bekraftelse.call(prenumeration.pk)
    retry = _queued("insyn.tasks.skicka_bekraftelse").get()
    smtp_server.start()
    sent = skicka_bekraftelse.call(prenumeration.pk)

    assert retry.run_after > timezone.now()
    assert retry.args_kwargs["args"] == [prenumeration.pk]
    assert (sent, smtp_server.inbox.per_recipient()) == (True, {"bo@exempel.se": 1})
