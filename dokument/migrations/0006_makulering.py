"""A registration that was never published can be withdrawn (makulerad): the status, who
withdrew it, when and why. The document and its history stay."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dokument", "0005_sok_svenska"),
        ("styrning", "0002_inskick_makulerad"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
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
