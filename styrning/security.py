"""Login throttling (django-axes) and the security log.

The security log is the logger ``styrning.sakerhet``: successful logins, failed logins (the
user name tried, never the password) and password changes, each with the client's address.
It only writes log lines; nothing here changes data.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save
from django.shortcuts import render

logger = logging.getLogger("styrning.sakerhet")


def client_ip(request) -> str:
    """The client's address. Behind a proxy (``BEHIND_PROXY=1``) it is the last entry of
    X-Forwarded-For, the one our own proxy added; earlier entries are the client's word."""
    if request is None:
        return ""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
        if entries:
            return entries[-1]
    return request.META.get("REMOTE_ADDR", "")


def minutes_text(delta: timedelta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    return "1 minut" if minutes == 1 else f"{minutes} minuter"


def lockout_response(request, original_response=None, credentials=None):
    """Axes' answer to a locked-out login: the same page whether the user name exists or
    not, saying how long to wait."""
    return render(
        request,
        "registration/lockout.html",
        {"vantetid": minutes_text(settings.AXES_COOLOFF_TIME)},
        status=429,
    )


def log_login(sender, request, user, **kwargs):
    logger.info(
        "Inloggning: användare %s (id %s) från %s", user.get_username(), user.pk, client_ip(request)
    )


def log_login_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get("username", "")
    logger.warning("Misslyckad inloggning: användarnamn %r från %s", username, client_ip(request))


def log_password_change(sender, instance, created, **kwargs):
    """Every saved password change (the password change page, the admin, ``changepassword``):
    ``set_password`` keeps the new password in ``_password`` until the save has told the
    password validators, that is, until just after this signal."""
    if getattr(instance, "_password", None) is None:
        return
    if created:
        logger.info(
            "Lösenord satt för ny användare %s (id %s)", instance.get_username(), instance.pk
        )
    else:
        logger.info("Lösenord ändrat: användare %s (id %s)", instance.get_username(), instance.pk)


def connect_signals():
    user_logged_in.connect(log_login, dispatch_uid="styrning.sakerhet.login")
    user_login_failed.connect(log_login_failed, dispatch_uid="styrning.sakerhet.login_failed")
    post_save.connect(
        log_password_change,
        sender=settings.AUTH_USER_MODEL,
        dispatch_uid="styrning.sakerhet.password_change",
    )
