from django.core.management.base import BaseCommand, CommandError

from dokument.pdf import store_version_pdf, versions_without_pdf


class Command(BaseCommand):
    help = (
        "Skapar de PDF:er som saknas för publicerade versioner (publicerade innan PDF:er "
        "sparades, eller där bakgrundsjobbet misslyckades). Kan köras om."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Visa vilka som saknas utan att skapa något."
        )

    def handle(self, *args, dry_run=False, **options):
        missing = versions_without_pdf()
        failed = []
        created = 0
        for version in missing:
            label = f"{version}, dokument {version.dokument_id}"
            if dry_run:
                self.stdout.write(f"Saknar PDF: {label}")
                continue
            try:
                stored = store_version_pdf(version.pk)
            except Exception as exc:  # noqa: BLE001 - one broken version must not stop the rest
                failed.append(label)
                self.stderr.write(f"Kunde inte skapa PDF: {label}: {exc}")
                continue
            if stored:
                created += 1
                self.stdout.write(f"Skapade PDF: {label}")
        if dry_run:
            self.stdout.write(f"{len(missing)} publicerade versioner saknar PDF. Inget skapades.")
            return
        self.stdout.write(f"{created} PDF:er skapade.")
        if failed:
            raise CommandError(f"{len(failed)} PDF:er kunde inte skapas.")
