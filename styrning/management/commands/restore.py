from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from styrning import backup


class Command(BaseCommand):
    help = (
        "Läser in ett arkiv från manage.py export i en tom, migrerad databas och lägger "
        "tillbaka filerna i MEDIA_ROOT. Alla kontrollsummor prövas före och efter inläsningen; "
        "stämmer något inte sparas ingenting."
    )

    def add_arguments(self, parser):
        parser.add_argument("arkiv", type=Path, help="Arkivet från manage.py export.")
        parser.add_argument("--database", default="default", help="Databasen (standard: default).")
        parser.add_argument(
            "--flush",
            action="store_true",
            help="Töm databasen först (allt som finns i den försvinner) och skriv över filer "
            "med samma namn. Utan den vägrar kommandot en databas som inte är tom.",
        )

    def handle(self, *args, arkiv: Path, database: str, flush: bool, **options):
        if not arkiv.is_file():
            raise CommandError(f"Arkivet {arkiv} finns inte.")
        try:
            result = backup.restore(arkiv, using=database, flush=flush)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = result.manifest
        self.stdout.write(
            f"Arkivet skapades {manifest['created']} (version {manifest['app_version']}, "
            f"{manifest['database']})."
        )
        if options["verbosity"] >= 2:
            for label, rows in result.rows.items():
                self.stdout.write(f"  {label}: {rows}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Läste in {sum(result.rows.values())} rader i {len(result.rows)} tabeller och "
                f"{result.files} filer ({result.files_written} skrivna, resten fanns redan "
                "likadana). Kontrollsummorna stämmer."
            )
        )
