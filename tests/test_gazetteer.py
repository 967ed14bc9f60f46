"""Place names are read as the taxonomy reads them: its own region names count, and a
province never outvotes the better-known place that shares its name."""

from __future__ import annotations

import pytest

from policytag.plugins.gazetteer import REGION_TERMS, load_gazetteer


@pytest.mark.parametrize("text, region", [
    ("Strikes in Gaza resumed.", "middle-east"),  # not Mozambique's province of Gaza
    ("The Gulf states met.", "middle-east"),  # not Papua New Guinea's Gulf province
    ("Juntas across the Sahel", "africa"),
    ("Europeans doubt it.", "europe"),
    ("Africa's debt", "africa"),
    ("troops in the Indo-Pacific", "asia-pacific"),
    ("Fighting in Tigray", "africa"),  # a province that clashes with nothing stays
])
def test_the_taxonomys_names_and_unambiguous_provinces_are_places(text, region):
    assert [r for _, r in load_gazetteer().find(text)] == [region]


def test_every_region_term_is_one_place_of_its_region():
    gazetteer = load_gazetteer()
    for region, terms in REGION_TERMS.items():
        for term in terms:
            assert [r for _, r in gazetteer.find(f"News from {term} today.")] == [region], term
