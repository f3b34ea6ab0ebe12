"""The demo's subscriptions (a step of `manage.py demo`): a resident who follows what the
council adopts every week, a local newspaper that follows every governing document at once and
a union that follows the municipal board's adopted reports every day, each confirmed, made
through the same services as a subscriber's clicks. Idempotent: a second run adds nothing."""

from collections.abc import Callable

from django.db import transaction

from insyn import prenumeration as tjanst
from insyn.handelser import Urval
from insyn.models import Prenumeration
from styrning.demo import register_demo_step
from styrning.models import Organisation

DIREKT, DAGLIG, VECKOVIS = (
    Prenumeration.Frekvens.DIREKT,
    Prenumeration.Frekvens.DAGLIG,
    Prenumeration.Frekvens.VECKOVIS,
)


@transaction.atomic
def load_insyn(say: Callable[[str], None]) -> None:
    kf = Organisation.objects.get(kod="KF")
    ks = Organisation.objects.get(kod="KS")
    wanted = [
        ("anna.medborgare@exempel.se", Urval(organ=kf.pk), VECKOVIS),
        ("redaktionen@lokaltidningen.exempel", Urval(), DIREKT),
        ("kommunal@facket.exempel", Urval(slag="rapporter", organ=ks.pk), DAGLIG),
    ]
    made = 0
    for epost, urval, frekvens in wanted:
        prenumeration = tjanst.prenumerera(epost=epost, urval=urval, frekvens=frekvens)
        if not prenumeration.ar_bekraftad:
            tjanst.bekrafta(token=tjanst.bekrafta_token(prenumeration))
            made += 1
    say(f"  {made} nya bekräftade prenumerationer ({len(wanted)} i demon)")


register_demo_step("insyn", load_insyn)
