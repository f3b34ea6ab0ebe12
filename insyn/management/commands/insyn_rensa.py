from django.core.management.base import BaseCommand

from insyn import prenumeration
from insyn.tasks import rensa_prenumerationer


class Command(BaseCommand):
    help = (
        f"Raderar prenumerationer som inte bekräftats inom {prenumeration.OBEKRAFTAD_DAGAR} "
        "dagar (körs dagligen). Med --i-kon läggs rensningen i kön i stället."
    )

    def add_arguments(self, parser):
        parser.add_argument("--i-kon", action="store_true", help="Låt db_worker göra det.")

    def handle(self, *args, **options):
        if options["i_kon"]:
            result = rensa_prenumerationer.enqueue()
            self.stdout.write(f"Rensningen ligger i kön (uppgift {result.id}).")
            return
        antal = prenumeration.rensa_obekraftade()
        self.stdout.write(f"{antal} obekräftade prenumerationer raderade.")
