from django.core.management.base import BaseCommand

from insyn.tasks import skicka_prenumerationer


class Command(BaseCommand):
    help = (
        "Lägger utskicket till prenumeranterna i kön (körs med några minuters mellanrum; "
        "db_worker skickar)."
    )

    def handle(self, *args, **options):
        result = skicka_prenumerationer.enqueue()
        self.stdout.write(f"Utskicket ligger i kön (uppgift {result.id}).")
