"""Login throttling (django-axes) and the security log (styrning.sakerhet)."""

import logging

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "losenord-for-test"


def _login(client, username, password, address="192.0.2.10"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _fail_five_times(client, username, address="192.0.2.10"):
    """The fifth failure is answered with the lockout page already."""
    statuses = [_login(client, username, "fel-losenord", address).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]


@pytest.mark.django_db
def test_right_password_is_refused_after_five_wrong_ones(client):
    UserFactory(username="sara")
    _fail_five_times(client, "sara")

    response = _login(client, "sara", PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert "<h1>För många inloggningsförsök</h1>" in page
    assert "Vänta 15 minuter och försök sedan igen." in page
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_lockout_looks_the_same_for_a_user_name_that_does_not_exist(client):
    UserFactory(username="sara")
    _fail_five_times(client, "sara", address="192.0.2.10")
    _fail_five_times(client, "finns-inte", address="192.0.2.20")

    existing = _login(client, "sara", PASSWORD, address="192.0.2.10")
    missing = _login(client, "finns-inte", PASSWORD, address="192.0.2.20")

    assert (existing.status_code, existing.content) == (missing.status_code, missing.content)
    assert existing.status_code == 429


@pytest.mark.django_db
def test_user_name_is_locked_from_every_address(client):
    UserFactory(username="sara")
    _fail_five_times(client, "sara", address="192.0.2.10")

    response = _login(client, "sara", PASSWORD, address="198.51.100.7")

    assert response.status_code == 429


@pytest.mark.django_db
def test_address_is_locked_for_every_user_name(client):
    UserFactory(username="johan")
    for name in ["a", "b", "c", "d", "e"]:
        _login(client, name, "fel-losenord", address="192.0.2.10")

    response = _login(client, "johan", PASSWORD, address="192.0.2.10")

    assert response.status_code == 429


@pytest.mark.django_db
def test_another_user_from_another_address_is_not_locked(client):
    UserFactory(username="sara")
    johan = UserFactory(username="johan")
    _fail_five_times(client, "sara", address="192.0.2.10")

    response = _login(client, "johan", PASSWORD, address="198.51.100.7")

    assert (response.status_code, response.url) == (302, reverse("min_sida"))
    assert client.session["_auth_user_id"] == str(johan.pk)


@pytest.mark.django_db
def test_four_failures_still_let_the_right_password_in(client):
    UserFactory(username="sara")
    for _ in range(4):
        _login(client, "sara", "fel-losenord")

    response = _login(client, "sara", PASSWORD)

    assert (response.status_code, response.url) == (302, reverse("min_sida"))


@pytest.mark.django_db
def test_behind_a_proxy_the_address_is_the_one_the_proxy_added(client, settings):
    settings.BEHIND_PROXY = True
    UserFactory(username="johan")
    for name in ["a", "b", "c", "d", "e"]:
        client.post(
            reverse("login"),
            {"username": name, "password": "fel"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.1, 192.0.2.10",
        )

    other_client = client.post(
        reverse("login"),
        {"username": "johan", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    same_client = client.post(
        reverse("login"),
        {"username": "johan", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.5, 192.0.2.10",
    )

    assert (other_client.status_code, same_client.status_code) == (302, 429)


@pytest.mark.django_db
def test_security_log_records_login_failed_login_and_password_change(client, caplog):
    UserFactory(username="sara")
    caplog.set_level(logging.INFO, logger="styrning.sakerhet")

    _login(client, "sara", "fel-losenord", address="192.0.2.10")
    _login(client, "sara", PASSWORD, address="192.0.2.10")
    client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Ett-nytt-langt-losenord-2025",
            "new_password2": "Ett-nytt-langt-losenord-2025",
        },
    )

    sara_id = client.session["_auth_user_id"]
    records = [
        (record.levelname, record.getMessage())
        for record in caplog.records
        if record.name == "styrning.sakerhet"
    ]
    assert records == [
        ("WARNING", "Misslyckad inloggning: användarnamn 'sara' från 192.0.2.10"),
        ("INFO", f"Inloggning: användare sara (id {sara_id}) från 192.0.2.10"),
        ("INFO", f"Lösenord ändrat: användare sara (id {sara_id})"),
    ]
    assert all("fel-losenord" not in message for _, message in records)


@pytest.mark.django_db
def test_a_user_name_longer_than_any_user_has_is_refused_on_the_form(client):
    """Django's login form does not enforce the user name's length; the name went on to the
    throttle's table, which PostgreSQL refuses (a 500 anyone could cause)."""
    response = _login(client, "a" * 300, "fel")

    assert response.status_code == 200
    assert response.context["form"].errors["username"]
    assert not AccessAttempt.objects.exists()
