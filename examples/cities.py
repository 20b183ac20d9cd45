"""City tools for the seed task "total and standard deviation of the population of the
5 largest cities in Vietnam".

The data is fixed (figures based on the 2019 census of Vietnam, rounded to what an
example needs), so every run gives the same answer. ``search_cities`` lists cities
largest first without their population, so a script has to call ``get_population``
for each one: the part that a one-call-per-turn agent pays a model round trip for.
Try it::

    tsact exec examples/cities_task.ts --tools examples/cities.py
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from tsact import ToolError, tool


class City(BaseModel):
    """A city as `search_cities` reports it."""

    name: str = Field(description="The city's name, as get_population accepts it.")
    region: str = Field(description="The region the city is in.")
    country: str = Field(description="The country, in English.")


# name, region, population: largest first.
_VIETNAM: tuple[tuple[str, str, int], ...] = (
    ("Ho Chi Minh City", "Southeast", 8_993_082),
    ("Hanoi", "Red River Delta", 8_053_663),
    ("Haiphong", "Red River Delta", 2_028_514),
    ("Can Tho", "Mekong Delta", 1_235_171),
    ("Da Nang", "South Central Coast", 1_134_310),
    ("Bien Hoa", "Southeast", 1_055_414),
    ("Hue", "North Central Coast", 455_230),
    ("Nha Trang", "South Central Coast", 422_601),
    ("Buon Ma Thuot", "Central Highlands", 375_590),
    ("Vung Tau", "Southeast", 357_124),
    ("Thai Nguyen", "Northeast", 340_403),
    ("Quy Nhon", "South Central Coast", 290_053),
)
_COUNTRY_NAMES = {"vietnam": "Vietnam", "viet nam": "Vietnam", "vn": "Vietnam"}
_POPULATION = {name.casefold(): population for name, _, population in _VIETNAM}


@tool
def search_cities(country: str, limit: int = 10) -> list[City]:
    """The largest cities of a country, largest first (population not included).

    Args:
        country: The country's English name, for example "Vietnam".
        limit: How many cities to return, from 1 to 50.
    """
    if not 1 <= limit <= 50:
        raise ToolError(f"limit must be between 1 and 50, got {limit}")
    known = _COUNTRY_NAMES.get(country.strip().casefold())
    if known is None:
        raise ToolError(f"no city data for {country!r}; available: Vietnam")
    return [City(name=name, region=region, country=known) for name, region, _ in _VIETNAM[:limit]]


@tool
def get_population(city: str) -> int:
    """The population of a city, by the name that search_cities returns.

    Args:
        city: The city's name, for example "Da Nang".
    """
    population = _POPULATION.get(city.strip().casefold())
    if population is None:
        raise ToolError(f"unknown city {city!r}; use a name returned by search_cities")
    return population
