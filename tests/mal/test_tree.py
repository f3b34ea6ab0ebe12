"""The tree page's markup and the charts: valid interactive content, readable ticks."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from mal import charts

pytestmark = pytest.mark.django_db


def test_tree_link_to_a_level_holds_only_its_count_and_the_goal_links_sit_beside_it(client, chain):
    url = reverse("mal:trad") + "?period=2025"
    top = client.get(url).content.decode()
    below = client.get(url + f"&under={chain['kf'].pk}").content.decode()

    def opens(html):
        return re.findall(r'<a class="goal-card__open" href="([^"]*)">(.*?)</a>', html, re.S)

    assert opens(top) == [
        (
            f"/mal/?period=2025&amp;under={chain['kf'].pk}",
            '1 delmål<span class="visually-hidden"> till Alla barn ska nå målen</span>',
        )
    ]
    assert opens(below) == [
        (
            f"/mal/?period=2025&amp;under={chain['bun'].pk}",
            '1 delmål<span class="visually-hidden"> till Fler elever klarar kraven</span>',
        )
    ]
    assert top.count(f'href="{chain["kf"].get_absolute_url()}"') == 1


def _chart(rows, labels=("2023", "2024", "2025"), decimals=0):
    return charts.indicator_chart(
        title="T", enhet="%", decimals=decimals, labels=list(labels), rows=rows, chart_id="1"
    )


@pytest.mark.parametrize(
    ("values", "labels"),
    [
        (
            [Decimal(83), Decimal(91), Decimal(87)],
            ["80,0", "82,5", "85,0", "87,5", "90,0", "92,5"],
        ),
        ([Decimal("0.4"), Decimal("1.3")], ["0,0", "0,5", "1,0", "1,5"]),
        ([Decimal(120), Decimal(460)], ["0", "200", "400", "600"]),
        ([Decimal(10), Decimal(19)], ["5", "10", "15", "20"]),
    ],
)
def test_chart_gridlines_sit_on_nice_steps_and_their_labels_match(values, labels):
    chart = _chart({"totalt": values}, labels=[str(2020 + i) for i in range(len(values))])

    assert [t["label"] for t in chart["yticks"]] == labels


def test_chart_gridline_positions_match_their_labels():
    chart = _chart({"totalt": [Decimal(83), Decimal(91), Decimal(87)]})
    top, bottom = chart["top"], chart["bottom"]

    ys = [float(t["y"]) for t in chart["yticks"]]

    assert (ys[0], ys[-1]) == (bottom, top)


def test_chart_marker_titles_name_the_right_period_when_a_value_is_missing():
    chart = _chart({"totalt": [Decimal(80), None, Decimal("85.5")]}, decimals=1)

    assert [m["title"] for m in chart["series"][0]["markers"]] == [
        "Totalt 2023: 80,0 %",
        "Totalt 2025: 85,5 %",
    ]


def test_comparison_offers_every_organisation_indented_by_depth(client, chain, org):
    response = client.get(reverse("mal:jamforelse"))

    choices = dict(response.context["form"].fields["organ"].choices)
    assert (choices[str(org["kf"].pk)], choices[str(org["solrosen"].pk)]) == (
        "\u00a0\u00a0Kommunfullmäktige",
        "\u00a0\u00a0" * 5 + "Solrosens förskola",
    )
    assert response.context["chosen"] == org["kf"]


@pytest.mark.parametrize("page", ["mal:trad", "mal:jamforelse"])
def test_a_large_municipality_offers_the_organisations_above_the_units_and_the_chosen_unit(
    client, chain, org, monkeypatch, page
):
    monkeypatch.setattr("mal.filters.ORGAN_SELECT_ALL", 5)
    url = reverse(page)

    plain = client.get(url)
    chosen = client.get(url + f"?organ={org['solrosen'].pk}")
    unknown = client.get(url + "?organ=999999")

    offered = dict(plain.context["form"].fields["organ"].choices)
    assert str(org["forskola"].pk) in offered
    assert str(org["solrosen"].pk) not in offered and str(org["blaklockan"].pk) not in offered
    assert "Välj verksamheten för att se dess enheters mål." in plain.content.decode()
    html = chosen.content.decode()
    assert f'<option value="{org["solrosen"].pk}" selected>' in html
    assert f'<option value="{org["blaklockan"].pk}"' not in html
    assert chosen.context["form"].cleaned_data["organ"] == org["solrosen"]
    assert list(unknown.context["form"].errors) == ["organ"]


def test_comparison_of_a_unit_per_tertial_of_a_chosen_year(client, chain, org):
    from tests.mal.factories import BedomningFactory

    BedomningFactory(
        mal=chain["solrosen"], ar=2024, periodtyp="tertial", periodnummer=2, utfall="delvis"
    )

    response = client.get(
        reverse("mal:jamforelse") + f"?organ={org['solrosen'].pk}&per=tertial&ar=2024"
    )

    assert [p.kod for p in response.context["periods"]] == ["2024T1", "2024T2", "2024T3"]
    assert [(row["mal"], [c.status for c in row["cells"]]) for row in response.context["rows"]] == [
        (chain["solrosen"], ["saknas", "delvis", "saknas"])
    ]


def test_comparison_year_out_of_range_is_refused_by_the_field(client, chain, org):
    response = client.get(reverse("mal:jamforelse") + "?per=tertial&ar=1800")

    assert list(response.context["form"].errors) == ["ar"]
    assert 'id="id_ar_error"' in response.content.decode()
