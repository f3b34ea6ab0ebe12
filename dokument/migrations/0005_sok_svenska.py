from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("dokument", "0004_pdf")]

    operations = []
