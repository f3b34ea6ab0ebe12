from django.core.management.base import BaseCommand
from django.utils.module_loading import autodiscover_modules

from styrning.demo import DEMO_PASSWORD, PERSONAS, demo_steps


class Command(BaseCommand):
    help = "Bygger demokommunen (Ådalens kommun). Kan köras flera gånger med samma resultat."

    def handle(self, *args, **options):
        # Each app's demo module registers its step when imported; only this command imports
        # them, so the demo data never loads with the application.
        autodiscover_modules("demo")
        for name, step in demo_steps():
            self.stdout.write(f"Laddar {name} …")
            step(self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Demokommunen är klar. Demoinloggningar:"))
        for username, first, last, _, _, description in PERSONAS:
            self.stdout.write(f"  {username:<12} {DEMO_PASSWORD:<15} {first} {last}, {description}")
