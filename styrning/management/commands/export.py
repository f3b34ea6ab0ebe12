from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from styrning import backup


class Command(BaseCommand):
    help = (
        "Skriver hela databasen och de uppladdade filerna (MEDIA_ROOT) till ett zip-arkiv med "
        "ett manifest: radantal och SHA-256 per tabell, storlek och SHA-256 per fil. "
        "Läses tillbaka med manage.py restore."
    )

    def add_arguments(self, parser):
        parser.add_argument("arkiv", type=Path, help="Arkivet som skrivs, t.ex. styrning.zip.")
        parser.add_argument("--database", default="default", help="Databasen (standard: default).")

    def handle(self, *args, arkiv: Path, database: str, **options):
        if arkiv.exists():
            raise CommandError(f"{arkiv} finns redan; välj ett nytt namn.")
        if not arkiv.parent.is_dir():
            raise CommandError(f"Katalogen {arkiv.parent} finns inte.")
        try:
            manifest = backup.export(arkiv, using=database)
        except (backup.BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(entry["rows"] for entry in manifest["models"])
        size = sum(entry["size"] for entry in manifest["files"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Skrev {arkiv}: {rows} rader i {len(manifest['models'])} tabeller och "
                f"{len(manifest['files'])} filer ({size} byte)."
            )
        )
