from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from styrning.services import IMPORT_COLUMNS, import_organisation


class Command(BaseCommand):
    help = (
        "Läser in organisationsträdet från en CSV-fil (kolumner: "
        + ", ".join(IMPORT_COLUMNS)
        + "). Kan köras flera gånger; ingenting skrivs om någon rad är fel."
    )

    def add_arguments(self, parser):
        parser.add_argument("fil", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Kontrollera filen utan att spara något."
        )

    def handle(self, *args, fil: Path, dry_run: bool, **options):
        try:
            text = fil.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Kan inte läsa {fil}: {exc}") from exc
        result = import_organisation(text=text, dry_run=dry_run)
        if result.errors:
            for error in result.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(result.errors)} fel i {fil}; ingenting sparades.")
        prefix = "Torrkörning, ingenting sparat: " if dry_run else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix}{result.created} nya, {result.updated} ändrade, "
                f"{result.unchanged} oförändrade."
            )
        )
