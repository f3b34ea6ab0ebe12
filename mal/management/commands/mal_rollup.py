from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from mal import rollup
from styrning.periods import Period


class Command(BaseCommand):
    help = (
        "Räknar om den lagrade måluppfyllelsen (beräknat förslag och resultat) för alla mål, "
        "för varje år och tertial, eller för en period med --period. Kör efter en massinläsning."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--period", help="Bara den här perioden: ett år (2025) eller ett tertial (2025T2)."
        )

    def handle(self, *args, **options):
        period = None
        if options["period"]:
            try:
                period = Period.parse(options["period"])
            except ValidationError as exc:
                raise CommandError(" ".join(exc.messages)) from None
            if not rollup.is_stored(period):
                raise CommandError("Måluppfyllelsen lagras för år och tertial, inte för månader.")
        counts = rollup.rebuild(period, say=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                f"Måluppfyllelsen omräknad: {sum(counts.values())} rader i {len(counts)} perioder."
            )
        )
