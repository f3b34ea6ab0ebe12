"""Two publishers at once never get the same statute-book number (PostgreSQL: real row locks)."""

import datetime
import threading
import time

import pytest
from django.db import connection, connections, transaction

from dokument import services
from dokument.models import Dokument, Forfattningsnummer

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
def test_two_publishers_at_once_get_different_numbers(make_dokument, administrator):
    docs = [
        make_dokument(typ="Taxa", agare="kf", titel=f"Taxa {i}", publish=False) for i in range(10)
    ]
    versions = [d.versioner.get() for d in docs]
    start = threading.Barrier(2)
    errors = []

    def publish(batch):
        try:
            start.wait()
            for version in batch:
                services.publicera_version(
                    user=administrator, version=version, bekraftat_personnummer=True
                )
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=publish, args=(versions[0::2],)),
        threading.Thread(target=publish, args=(versions[1::2],)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    year = datetime.date.today().year
    numbers = sorted(Dokument.objects.values_list("kfs_lopnummer", flat=True), key=lambda n: n or 0)
    assert errors == []
    assert numbers == list(range(1, 11))
    assert Dokument.objects.filter(kfs_nummer__startswith=f"KFS {year}:").count() == 10


@pytest.mark.django_db(transaction=True)
def test_publisher_waits_for_the_one_holding_the_counter(make_dokument, administrator):
    """A takes a number and holds its transaction open; B publishing meanwhile must wait for
    the counter row and take the next number, not the same one."""
    first, second = (
        make_dokument(typ="Taxa", agare="kf", titel=f"Taxa {i}", publish=False) for i in (1, 2)
    )
    Forfattningsnummer.objects.create(ar=datetime.date.today().year)  # the year's counter row
    taken = threading.Event()
    errors = []

    def publisher_a():
        try:
            with transaction.atomic():
                services.publicera_version(user=administrator, version=first.versioner.get())
                taken.set()
                time.sleep(0.5)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
            taken.set()
        finally:
            connections.close_all()

    def publisher_b():
        try:
            taken.wait()
            services.publicera_version(user=administrator, version=second.versioner.get())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publisher_a), threading.Thread(target=publisher_b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    first.refresh_from_db()
    second.refresh_from_db()
    assert errors == []
    assert (first.kfs_lopnummer, second.kfs_lopnummer) == (1, 2)
