"""Finds Swedish personal identity numbers (personnummer and samordningsnummer) in text.

A candidate counts only when its date is a real date (a samordningsnummer adds 60 to the day)
and its check digit passes the Luhn test, so case numbers and phone numbers rarely match.
"""

import datetime
import re
from dataclasses import dataclass

_PATTERN = re.compile(r"(?<![\d-])(\d{2})?(\d{2})(\d{2})(\d{2})\s?([-+])?\s?(\d{3})(\d)(?![\d-])")


@dataclass(frozen=True)
class Fynd:
    text: str
    samordningsnummer: bool

    @property
    def slag(self) -> str:
        return "samordningsnummer" if self.samordningsnummer else "personnummer"


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _valid_date(century: str | None, yy: str, mm: str, dd: int) -> bool:
    years = [int(century + yy)] if century else [1900 + int(yy), 2000 + int(yy)]
    for year in years:
        try:
            datetime.date(year, int(mm), dd)
        except ValueError:
            continue
        return True
    return False


def find_personnummer(text: str) -> list[Fynd]:
    """Every personnummer or samordningsnummer in the text, in order, each once."""
    found: list[Fynd] = []
    seen: set[str] = set()
    for match in _PATTERN.finditer(text or ""):
        century, yy, mm, dd, _sep, serial, check = match.groups()
        if century is not None and century not in ("18", "19", "20"):
            continue
        day = int(dd)
        samordning = day > 60
        if samordning:
            day -= 60
        if not _valid_date(century, yy, mm, day):
            continue
        if not luhn_ok(f"{yy}{mm}{dd}{serial}{check}"):
            continue
        raw = match.group(0)
        if raw not in seen:
            seen.add(raw)
            found.append(Fynd(text=raw, samordningsnummer=samordning))
    return found


def mask(number: str) -> str:
    """A found number with its last four digits hidden: 811218-9876 → 811218-XXXX."""
    return number[:-4] + "XXXX" if len(number) >= 4 else "XXXX"
