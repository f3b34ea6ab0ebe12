from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from dokument.files import check_upload
from dokument.models import Dokumentversion
from dokument.personnummer import find_personnummer


class Command(BaseCommand):
    help = (
        "Kontrollerar de uppladdade filer som redan finns mot dagens regler (storlek, innehåll, "
        "kod i PDF, zip-bomber, personnummer i alla delar) och listar dem som inte håller. "
        "Ändrar ingenting: en publicerad version rättas med en ny version."
    )

    def handle(self, *args, **options):
        refused = 0
        numbers = 0
        checked = 0
        versions = Dokumentversion.objects.exclude(fil="").only(
            "pk",
            "dokument_id",
            "versionsnummer",
            "titel",
            "fil",
            "status",
            "personnummer_bekraftat_av",
        )
        for version in versions.iterator(chunk_size=200):
            label = (
                f"dokument {version.dokument_id} version {version.versionsnummer} ({version.titel})"
            )
            try:
                with version.fil.open("rb") as stored:
                    upload = SimpleUploadedFile(version.fil.name.rsplit("/", 1)[-1], stored.read())
            except OSError as exc:
                refused += 1
                self.stderr.write(f"Filen saknas eller kan inte läsas: {label}: {exc}")
                continue
            checked += 1
            try:
                text = check_upload(upload)
            except ValidationError as exc:
                refused += 1
                self.stderr.write(f"Håller inte: {label}: {' '.join(exc.messages)}")
                continue
            found = find_personnummer(text)
            if found and version.personnummer_bekraftat_av_id is None:
                numbers += 1
                listed = ", ".join(f.text for f in found[:5])
                self.stderr.write(f"Personnummer som ingen har kontrollerat: {label}: {listed}")
        self.stdout.write(
            f"{checked} filer kontrollerade: {refused} håller inte, {numbers} med personnummer "
            "som ingen har kontrollerat."
        )
        if refused or numbers:
            raise CommandError("Några filer håller inte dagens regler; se listan ovan.")
