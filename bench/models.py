"""The marker of a generated benchmark municipality: which scale and seed the database holds,
so that `bench_data --reuse` can tell its own data from anything else."""

from django.db import models


class Benchdata(models.Model):
    """One row per generated municipality (the generator writes it last, so its presence
    means the load completed)."""

    skala = models.CharField("skala", max_length=20)
    seed = models.BigIntegerField("frö")
    skapad = models.DateTimeField("skapad")
    sekunder = models.FloatField("laddningstid (sekunder)", default=0)
    rader = models.JSONField("antal rader per modell", default=dict)
    mal = models.JSONField("mätpunkter", default=dict, help_text="Id:n och sökvägar att mäta.")

    class Meta:
        verbose_name = "genererad testkommun"
        verbose_name_plural = "genererade testkommuner"

    def __str__(self):
        return f"skala {self.skala}, frö {self.seed}"
