from django.core.management.base import BaseCommand, CommandError

from dokument.pdf import (
    replace_version_pdf,
    store_version_pdf,
    versions_with_file_text_only,
    versions_without_pdf,
)


class Command(BaseCommand):
    help = (
        "Skapar de PDF:er som saknas för publicerade versioner (publicerade innan PDF:er "
        "sparades, eller där bakgrundsjobbet misslyckades). Kan köras om. Med --filtext skapas "
        "också PDF:erna om för versioner vars innehåll är texten ur en fil: de som sparades innan "
        "PDF:en tog med den texten har bara dokumentets uppgifter."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Visa vilka som saknas utan att skapa något."
        )
        parser.add_argument(
            "--filtext",
            action="store_true",
            help="Skapa om PDF:erna för publicerade versioner vars innehåll är texten ur en fil.",
        )

    def handle(self, *args, dry_run=False, filtext=False, **options):
        missing = versions_without_pdf()
        again = versions_with_file_text_only() if filtext else []
        failed = []
        created = 0
        for version, store in [(v, store_version_pdf) for v in missing] + [
            (v, replace_version_pdf) for v in again
        ]:
            label = f"{version}, dokument {version.dokument_id}"
            if dry_run:
                action = "Saknar PDF" if store is store_version_pdf else "Skapas om"
                self.stdout.write(f"{action}: {label}")
                continue
            try:
                stored = store(version.pk)
            except Exception as exc:  # noqa: BLE001 - one broken version must not stop the rest
                failed.append(label)
                self.stderr.write(f"Kunde inte skapa PDF: {label}: {exc}")
                continue
            if stored:
                created += 1
                self.stdout.write(f"Skapade PDF: {label}")
        if dry_run:
            self.stdout.write(f"{len(missing)} publicerade versioner saknar PDF. Inget skapades.")
            if filtext:
                self.stdout.write(
                    f"{len(again)} PDF:er med text ur en fil skulle skapas om. Inget ändrades."
                )
            return
        self.stdout.write(f"{created} PDF:er skapade.")
        if failed:
            raise CommandError(f"{len(failed)} PDF:er kunde inte skapas.")
