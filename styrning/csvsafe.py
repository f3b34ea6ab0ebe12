"""CSV that a spreadsheet cannot run: a text cell that begins with `=`, `+`, `-`, `@`, a tab or a
carriage return is read as a formula by Excel and LibreOffice, so it gets a leading `'` and is
shown as the text it is. Every CSV the system writes uses `DictWriter` from here (or
`safe_cell` on each cell).

A cell that is a plain number (`-5`, `+2.5`) is kept as it is: a spreadsheet reads it as that
number and nothing else, so open data keeps its negative values.
"""

import csv
import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def safe_cell(value):
    """The value with a leading `'` if a spreadsheet would run it as a formula; numbers (and
    text that is a plain number) unchanged."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_START)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


class DictWriter(csv.DictWriter):
    """`csv.DictWriter` whose every cell has passed `safe_cell`."""

    def writerow(self, rowdict):
        return super().writerow({key: safe_cell(value) for key, value in rowdict.items()})

    def writerows(self, rowdicts):
        for rowdict in rowdicts:
            self.writerow(rowdict)
