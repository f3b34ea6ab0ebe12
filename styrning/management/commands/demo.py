from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import autodiscover_modules

from styrning.demo import DEMO_PASSWORD, PERSONAS, demo_steps, other_data


class Command(BaseCommand):
    help = (
        "Bygger demokommunen (Ådalens kommun). Kan köras flera gånger med samma resultat. "
        "Körs bara med DEBUG på och på en tom databas eller demons egen."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Ladda demokommunen även i en databas som innehåller annat än den.",
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Ladda demokommunen, med dess konton och kända lösenord, även när DEBUG är av.",
        )

    def handle(self, *args, **options):
        # The demo accounts have a published password, `admin` is a superuser: they must never
        # appear in a production database by mistake.
        if not settings.DEBUG and not options["allow_without_debug"]:
            raise CommandError(
                "DEBUG är av. Demokommunen skapar konton med ett publicerat lösenord, bland "
                "dem superanvändaren admin, och laddas därför bara i en utvecklingsmiljö "
                "(DEBUG=1). Ange --allow-without-debug om demokontona verkligen ska finnas här."
            )
        held = other_data()
        if held and not options["force"]:
            raise CommandError(
                f"Databasen innehåller annat än demokommunen: {held}. Demokommunen laddas bara "
                "i en tom databas eller i en som redan är demons. Ange --force om den ändå ska "
                "läggas till här."
            )
        # Each app's demo module registers its step when imported; only this command imports
        # them, so the demo data never loads with the application.
        autodiscover_modules("demo")
        for name, step in demo_steps():
            self.stdout.write(f"Laddar {name} …")
            step(self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demokommunen är klar. Demoinloggningar:"))
        for username, first, last, _, _, description in PERSONAS:
            self.stdout.write(f"  {username:<12} {DEMO_PASSWORD:<15} {first} {last}, {description}")
