"""CSV that a spreadsheet cannot run: a text cell that begins with `=`, `+`, `-`, `@`, a tab or a
carriage return is read as a formula by Excel and LibreOffice, so it gets a leading `'` and is
shown as the text it is. Every CSV the system writes uses `DictWriter` from here (or
`safe_cell` on each cell); a download is streamed by `csv_response`, as Swedish Excel opens a
file: semicolon-separated UTF-8 with a byte order mark and Swedish column headers.

A cell that is a plain number (`-5`, `+2.5`) is kept as it is: a spreadsheet reads it as that
number and nothing else, so open data keeps its negative values.
"""

import csv
import re
from collections.abc import Iterable, Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

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


class _Echo:
    """A file that hands back what is written to it, for `csv.writer` in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str, columns: list[tuple[str, str]], rows: Iterable[dict]
) -> StreamingHttpResponse:
    """A streamed download of `rows`, one dict per row keyed by the first item of each column,
    under the Swedish headers (the second items), named `<filename>-<today>.csv`."""
    writer = DictWriter(
        _Echo(), fieldnames=[key for key, _ in columns], delimiter=";", extrasaction="ignore"
    )

    def lines() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(dict(columns))
        batch = []
        for row in rows:
            batch.append(writer.writerow(row))
            if len(batch) >= 100:
                yield "".join(batch)
                batch = []
        if batch:
            yield "".join(batch)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{filename}-{day}.csv"'
    return response


def filter_refused(form) -> HttpResponse:
    """A download's answer to a list filter the list page would show as an error: a 400 in plain
    text naming each refused value by its field, and no file (a file of other rows than the
    reader asked for would be worse than none)."""
    lines = ["Filtret kunde inte användas, så ingen fil skapades:"]
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        lines.extend(f"{label}: {error}" if label else error for error in errors)
    return HttpResponse(
        "\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8"
    )
