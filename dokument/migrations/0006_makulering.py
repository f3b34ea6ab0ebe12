"""A registration that was never published can be withdrawn (makulerad): the status, who
withdrew it, when and why. The document and its history stay. The case numbers the documents
hold get a table of their own, so the database keeps one number to one document (a withdrawn
one releases its numbers); it is filled from the versions, the first registered holder of a
number keeping it where two documents already share one."""

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


def fill_case_numbers(apps, schema_editor):
    Dokumentversion = apps.get_model("dokument", "Dokumentversion")
    Diarienummer = apps.get_model("dokument", "Diarienummer")
    held: dict[str, int] = {}
    rows = []
    versions = (
        Dokumentversion.objects.exclude(diarienummer="")
        .order_by("dokument_id", "versionsnummer")
        .values_list("dokument_id", "diarienummer")
    )
    for dokument_id, nummer in versions:
        nummer = nummer.strip()
        key = nummer.lower()
        if not nummer or key in held:
            continue
        held[key] = dokument_id
        rows.append(Diarienummer(nummer=nummer, dokument_id=dokument_id))
    Diarienummer.objects.bulk_create(rows)


class Migration(migrations.Migration):
    dependencies = [
        ("dokument", "0005_sok_svenska"),
        ("styrning", "0002_inskick_makulerad"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Diarienummer",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("nummer", models.CharField(max_length=50, verbose_name="diarienummer")),
                (
                    "ledigt",
                    models.BooleanField(
                        default=False,
                        help_text="Dokumentet är makulerat: numret kan användas igen.",
                        verbose_name="ledigt",
                    ),
                ),
                (
                    "dokument",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="diarienummer",
                        to="dokument.dokument",
                        verbose_name="dokument",
                    ),
                ),
            ],
            options={
                "verbose_name": "diarienummer",
                "verbose_name_plural": "diarienummer",
                "ordering": ["nummer"],
                "constraints": [
                    models.UniqueConstraint(
                        django.db.models.functions.text.Lower("nummer"),
                        condition=models.Q(("ledigt", False)),
                        name="diarienummer_ett_dokument",
                        violation_error_message="Diarienumret används redan av ett annat dokument.",
                    ),
                    models.UniqueConstraint(
                        django.db.models.functions.text.Lower("nummer"),
                        models.F("dokument"),
                        name="diarienummer_en_rad_per_dokument",
                        violation_error_message="Dokumentet har redan diarienumret.",
                    ),
                ],
            },
        ),
        migrations.RunPython(fill_case_numbers, migrations.RunPython.noop),
        migrations.AddField(
            model_name="dokument",
            name="makulerad_av",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="makulerade_dokument",
                to=settings.AUTH_USER_MODEL,
                verbose_name="makulerad av",
            ),
        ),
        migrations.AddField(
            model_name="dokument",
            name="makulerad_orsak",
            field=models.TextField(
                blank=True,
                help_text="Varför registreringen makulerades, t.ex. att den gjordes av misstag.",
                verbose_name="skäl till makulering",
            ),
        ),
        migrations.AddField(
            model_name="dokument",
            name="makulerad_tid",
            field=models.DateTimeField(blank=True, null=True, verbose_name="makulerad"),
        ),
        migrations.AddField(
            model_name="historicaldokument",
            name="makulerad_av",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="makulerad av",
            ),
        ),
        migrations.AddField(
            model_name="historicaldokument",
            name="makulerad_orsak",
            field=models.TextField(
                blank=True,
                help_text="Varför registreringen makulerades, t.ex. att den gjordes av misstag.",
                verbose_name="skäl till makulering",
            ),
        ),
        migrations.AddField(
            model_name="historicaldokument",
            name="makulerad_tid",
            field=models.DateTimeField(blank=True, null=True, verbose_name="makulerad"),
        ),
        migrations.AlterField(
            model_name="dokument",
            name="status",
            field=models.CharField(
                choices=[
                    ("utkast", "Utkast"),
                    ("gallande", "Gällande"),
                    ("upphavd", "Upphävd"),
                    ("ersatt", "Ersatt"),
                    ("makulerad", "Makulerad"),
                ],
                default="utkast",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="historicaldokument",
            name="status",
            field=models.CharField(
                choices=[
                    ("utkast", "Utkast"),
                    ("gallande", "Gällande"),
                    ("upphavd", "Upphävd"),
                    ("ersatt", "Ersatt"),
                    ("makulerad", "Makulerad"),
                ],
                default="utkast",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.AddConstraint(
            model_name="dokument",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "makulerad"), _negated=True),
                    models.Q(
                        ("makulerad_tid__isnull", False),
                        models.Q(("makulerad_orsak", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="dokument_makulerad_med_skal",
                violation_error_message="En makulering behöver tid och skäl.",
            ),
        ),
    ]
