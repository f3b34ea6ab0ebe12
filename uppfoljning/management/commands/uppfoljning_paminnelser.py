from django.core.management.base import BaseCommand

from uppfoljning.tasks import skicka_paminnelser


class Command(BaseCommand):
    help = (
        "Lägger påminnelser om rapporter som inte är inlämnade i kön (körs dagligen; "
        "db_worker skickar)."
    )

    def handle(self, *args, **options):
        result = skicka_paminnelser.enqueue()
        self.stdout.write(f"Påminnelserna ligger i kön (uppgift {result.id}).")
