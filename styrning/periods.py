"""The reporting periods the whole system uses: a year, a tertial of a year or a month of a year.

Stored on the models as three fields (`ar`, `periodtyp`, `periodnummer`, see
`styrning.models.Periodrad`); read and written as `Period` values. Written forms: `2025`
(year), `2025T2` (tertial), `2025M03` (month).

A period has two spans: its own (`start`–`slut`: T2 is May–August) and the cumulative one the
reports name (`ackumulerad_start`–`slut`, "per augusti": January–August). The *riktpunkt* is
the share of the year elapsed at the period's end (33,3 % after April), the yardstick for how
much of the year's budget should be used.
"""

import calendar
import datetime
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import models

MANADER = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]


class Periodtyp(models.TextChoices):
    AR = "ar", "År"
    TERTIAL = "tertial", "Tertial"
    MANAD = "manad", "Månad"


_PATTERN = re.compile(r"^\s*(\d{4})\s*(?:([TtMm])\s*(\d{1,2}))?\s*$")


@dataclass(frozen=True, order=True)
class Period:
    ar: int
    typ: str = Periodtyp.AR
    nummer: int = 0

    def __post_init__(self):
        highest = {Periodtyp.AR: 0, Periodtyp.TERTIAL: 3, Periodtyp.MANAD: 12}.get(self.typ)
        if highest is None:
            raise ValueError(f"Okänd periodtyp {self.typ!r}.")
        low = 0 if self.typ == Periodtyp.AR else 1
        if not low <= self.nummer <= highest:
            raise ValueError(f"Periodnumret {self.nummer} passar inte periodtypen {self.typ}.")

    @classmethod
    def parse(cls, text: str) -> "Period":
        """Read `2025`, `2025T2` or `2025M03`; a ValidationError with a Swedish message if not."""
        match = _PATTERN.match(str(text))
        if not match:
            raise ValidationError(
                "Ange perioden som ett år (2025), ett tertial (2025T2) eller en månad (2025M03).",
                code="period",
            )
        ar, letter, nummer = match.groups()
        typ = Periodtyp.AR
        if letter:
            typ = Periodtyp.TERTIAL if letter.upper() == "T" else Periodtyp.MANAD
        try:
            return cls(int(ar), typ, int(nummer or 0))
        except ValueError:
            raise ValidationError(
                "Tertialet ska vara 1–3 och månaden 1–12.", code="period"
            ) from None

    @classmethod
    def year(cls, ar: int) -> "Period":
        return cls(ar, Periodtyp.AR, 0)

    @property
    def kod(self) -> str:
        if self.typ == Periodtyp.TERTIAL:
            return f"{self.ar}T{self.nummer}"
        if self.typ == Periodtyp.MANAD:
            return f"{self.ar}M{self.nummer:02d}"
        return str(self.ar)

    @property
    def label(self) -> str:
        if self.typ == Periodtyp.TERTIAL:
            return f"T{self.nummer} {self.ar}"
        if self.typ == Periodtyp.MANAD:
            return f"{MANADER[self.nummer - 1]} {self.ar}"
        return str(self.ar)

    @property
    def start(self) -> datetime.date:
        if self.typ == Periodtyp.TERTIAL:
            return datetime.date(self.ar, 4 * (self.nummer - 1) + 1, 1)
        if self.typ == Periodtyp.MANAD:
            return datetime.date(self.ar, self.nummer, 1)
        return datetime.date(self.ar, 1, 1)

    @property
    def slut(self) -> datetime.date:
        if self.typ == Periodtyp.TERTIAL:
            month = 4 * self.nummer
        elif self.typ == Periodtyp.MANAD:
            month = self.nummer
        else:
            month = 12
        return datetime.date(self.ar, month, calendar.monthrange(self.ar, month)[1])

    @property
    def ackumulerad_start(self) -> datetime.date:
        """The first day of the cumulative span: the reports count from 1 January."""
        return datetime.date(self.ar, 1, 1)

    @property
    def ackumulerad_label(self) -> str:
        """The cumulative span as the reports name it: "per april 2025", "helår 2025"."""
        if self.typ == Periodtyp.AR:
            return f"helår {self.ar}"
        return f"per {MANADER[self.slut.month - 1]} {self.ar}"

    @property
    def spann_label(self) -> str:
        """The period's own span in words: "januari–april 2025", "mars 2025", "2025"."""
        if self.typ == Periodtyp.TERTIAL:
            first, last = MANADER[self.start.month - 1], MANADER[self.slut.month - 1]
            return f"{first}–{last} {self.ar}"
        return self.label

    @property
    def manader(self) -> int:
        """Months of the year elapsed at the period's end (4 after April, 12 for the year)."""
        return self.slut.month

    @property
    def riktpunkt(self) -> Decimal:
        """The share of the year elapsed at the period's end, in per cent with one decimal:
        33.3 after April, 66.7 after August, 100.0 for the year. By months, as the monthly
        reports count it."""
        return (Decimal(100) * self.manader / 12).quantize(Decimal("0.1"), ROUND_HALF_UP)

    def previous(self) -> "Period":
        """The period of the same kind just before this one."""
        if self.typ == Periodtyp.AR:
            return Period(self.ar - 1)
        highest = 3 if self.typ == Periodtyp.TERTIAL else 12
        if self.nummer == 1:
            return Period(self.ar - 1, self.typ, highest)
        return Period(self.ar, self.typ, self.nummer - 1)

    def is_ended(self, today: datetime.date) -> bool:
        return self.slut < today

    def __str__(self):
        return self.label


def tertials(ar: int) -> list[Period]:
    return [Period(ar, Periodtyp.TERTIAL, n) for n in (1, 2, 3)]
