"""An index of the versions waiting for a decision or publication (the review page)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dokument", "0006_makulering"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="dokumentversion",
            index=models.Index(
                condition=models.Q(("status__in", ["utkast", "faststalld"])),
                fields=["dokument"],
                name="dokumentversion_vantande",
            ),
        ),
    ]
