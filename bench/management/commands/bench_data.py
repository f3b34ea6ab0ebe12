"""Load the benchmark municipality (bench/generate.py) into an empty migrated database."""

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from bench import generate
from mal.models import Maluppfyllelse


class Command(BaseCommand):
    help = (
        "Genererar en stor kommun för prestandamätning, deterministiskt från skala och frö, i en "
        "tom migrerad PostgreSQL-databas (skala 1: 10 000 dokument, 20 000 mål, en miljon värden)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Skalfaktor (1 = storstad).")
        parser.add_argument("--seed", type=int, default=1, help="Frö för slumpen.")
        parser.add_argument(
            "--reuse",
            action="store_true",
            help="Gör ingenting om databasen redan har samma skala och frö.",
        )

    def handle(self, *args, scale, seed, reuse, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_data kräver PostgreSQL (COPY och den svenska sökningen); ange "
                "DATABASE_URL=postgres://… till en tom migrerad databas."
            )
        if scale <= 0 or scale > 100:
            raise CommandError("Skalan ska vara större än 0 och högst 100.")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("Databasen är inte migrerad: kör manage.py migrate först.")
        wanted = generate.scale_text(scale)
        existing = generate.marker()
        if existing is not None:
            same = existing.skala == wanted and existing.seed == seed
            if same and reuse:
                generate.rapporter(seed=seed, say=self.stdout.write)
                self.stdout.write(
                    f"Databasen har redan testkommunen med skala {wanted} och frö {seed} "
                    f"(laddad {timezone.localtime(existing.skapad):%Y-%m-%d %H:%M}): "
                    "ingenting att göra."
                )
                return
            raise CommandError(
                f"Databasen har redan en testkommun med skala {existing.skala} och frö "
                f"{existing.seed}. Använd en ny tom databas"
                + ("" if same else " eller samma skala och frö med --reuse")
                + "."
            )
        held = generate.held_data()
        if held:
            raise CommandError(
                "Databasen är inte tom (den har "
                + ", ".join(held[:5])
                + (" med flera" if len(held) > 5 else "")
                + "). bench_data laddar bara i en tom migrerad databas: skapa en ny "
                "(createdb, manage.py migrate) och kör igen."
            )
        self.stdout.write(f"Genererar testkommunen med skala {wanted} och frö {seed} …")
        result = generate.generate(scale=scale, seed=seed, say=self.stdout.write)
        if "mal_rollup" in get_commands():
            self.stdout.write("Beräknar lagrad måluppfyllelse (mal_rollup) …")
            call_command("mal_rollup", stdout=self.stdout, stderr=self.stderr)
            # the planner's statistics of the stored roll-up, which was empty at the load's
            # ANALYZE: without them the tree's status read is planned for an empty table
            with connection.cursor() as cursor:
                cursor.execute(
                    f"ANALYZE {connection.ops.quote_name(Maluppfyllelse._meta.db_table)}"
                )
        self.stdout.write("Rader per modell:")
        for label, count in sorted(result["counts"].items()):
            self.stdout.write(f"  {label}: {count:,}".replace(",", " "))
        total = sum(result["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Klart på {result['seconds']:.0f} s: {total:,} rader.".replace(",", " ")
            )
        )
