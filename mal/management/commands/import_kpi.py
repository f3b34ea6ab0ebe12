from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from mal.kpi_import import import_kpi


class Command(BaseCommand):
    help = (
        "Läser in indikatorvärden från en fil i Koladas JSON-format (kpi, municipality, period, "
        "gender, value). Kan köras flera gånger; med --dry-run sparas ingenting."
    )

    def add_arguments(self, parser):
        parser.add_argument("fil", help="JSON-filen att läsa in.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Kontrollera och räkna, men spara ingenting."
        )
        parser.add_argument(
            "--ersatt",
            action="store_true",
            help="Ersätt även värden som har matats in för hand (annars stoppas importen).",
        )

    def handle(self, *args, **options):
        path = Path(options["fil"])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Kan inte läsa {path}: {exc.strerror}.") from None
        try:
            result = import_kpi(text=text, dry_run=options["dry_run"], ersatt=options["ersatt"])
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(
                f"{len(exc.messages)} fel i {path.name}. Ingenting har sparats."
            ) from None
        self.stdout.write(self.style.SUCCESS(result.summary))
