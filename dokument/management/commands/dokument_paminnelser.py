from django.core.management.base import BaseCommand

from dokument.tasks import send_review_reminders


class Command(BaseCommand):
    help = "Lägger påminnelser om aktualitetsprövning i kön (körs dagligen; db_worker skickar)."

    def handle(self, *args, **options):
        result = send_review_reminders.enqueue()
        self.stdout.write(f"Påminnelserna ligger i kön (uppgift {result.id}).")
