from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from uppfoljning.ekonomi import IMPORT_KOLUMNER, import_ekonomi


class Command(BaseCommand):
    help = (
        "Läser in budget och utfall från ekonomisystemets CSV-fil (semikolonseparerad, "
        f"kolumner: {';'.join(IMPORT_KOLUMNER)}). Kan köras flera gånger; ingenting sparas om "
        "någon rad är fel."
    )

    def add_arguments(self, parser):
        parser.add_argument("fil", type=Path, help="CSV-filen att läsa in.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Kontrollera och räkna, men spara ingenting."
        )

    def handle(self, *args, fil: Path, dry_run: bool, **options):
        try:
            text = fil.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Kan inte läsa {fil}: {exc}") from exc
        try:
            result = import_ekonomi(text=text, dry_run=dry_run)
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(
                f"{len(exc.messages)} fel i {fil.name}. Ingenting har sparats."
            ) from None
        self.stdout.write(self.style.SUCCESS(result.summary))
