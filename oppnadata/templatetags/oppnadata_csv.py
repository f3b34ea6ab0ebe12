"""`{% csv_lank "csv_dokument" %}`: a list page's link to its CSV download
(`oppnadata.urls_csv`), carrying the list's query string (its filters, search and sorting)
without its page numbers, so the file holds every row of the filtered list."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()


def _is_page_number(name: str) -> bool:
    return name == "sida" or name.endswith("_sida")


@register.simple_tag(takes_context=True)
def csv_lank(context, url_name: str, text: str = "Ladda ner som CSV") -> str:
    url = reverse(url_name)
    request = context.get("request")
    if request is not None:
        query = urlencode(
            [(k, v) for k, v in request.GET.lists() if not _is_page_number(k)], doseq=True
        )
        if query:
            url = f"{url}?{query}"
    return format_html(
        '<a class="csv-lank" href="{}" download>{}</a> '
        '<span class="muted">(semikolonseparerad, öppnas i Excel)</span>',
        url,
        text,
    )
