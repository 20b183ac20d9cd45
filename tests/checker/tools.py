"""A realistic tool set for the checker corpus: typed tools (pydantic models, literals,
optional results, defaulted fields) beside untyped ones (``dict``, ``list[dict]``,
``Any``, no annotation), all deterministic so that every correct script can run."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from tsact import Tool, ToolError, tool


class City(BaseModel):
    """A city."""

    name: str
    country: str
    population: int
    aliases: list[str] = []


class Weather(BaseModel):
    """Current weather at a place."""

    city: str
    temp: float = Field(description="Temperature in the requested unit")
    conditions: Literal["sunny", "cloudy", "rain", "snow"]
    wind_kph: float
    humidity: int | None = None


class OrderItem(BaseModel):
    sku: str
    quantity: int
    unit_price: float


class Order(BaseModel):
    """A customer order."""

    id: str
    customer: str
    status: Literal["pending", "paid", "shipped", "cancelled"]
    created: dt.date
    items: list[OrderItem] = []
    note: str | None = None


class User(BaseModel):
    id: int
    name: str
    email: str
    roles: list[str] = []
    manager_id: int | None = None


class LogEntry(BaseModel):
    ts: str
    service: str
    level: Literal["debug", "info", "warn", "error"]
    message: str
    latency_ms: float | None = None


class SearchHit(BaseModel):
    title: str
    url: str
    score: float
    snippet: str = ""


class TicketArgs(BaseModel):
    """A new support ticket."""

    title: str = Field(description="One-line summary")
    priority: Literal["low", "normal", "high", "urgent"] = "normal"
    tags: list[str] = []
    assignee: str | None = None


class Ticket(BaseModel):
    id: int
    title: str
    priority: Literal["low", "normal", "high", "urgent"]
    tags: list[str] = []
    assignee: str | None = None


CITIES = [
    City(name="Ho Chi Minh City", country="Vietnam", population=8_993_082, aliases=["Saigon"]),
    City(name="Hanoi", country="Vietnam", population=8_053_663),
    City(name="Hai Phong", country="Vietnam", population=2_028_514),
    City(name="Da Nang", country="Vietnam", population=1_134_310),
    City(name="Hue", country="Vietnam", population=652_572),
    City(name="Bangkok", country="Thailand", population=10_539_000, aliases=["Krung Thep"]),
    City(name="Chiang Mai", country="Thailand", population=127_240),
]
_CONDITIONS: list[Literal["sunny", "cloudy", "rain", "snow"]] = ["sunny", "cloudy", "rain", "snow"]
ORDERS = [
    Order(
        id=f"o-{n}",
        customer=["acme", "globex", "initech"][n % 3],
        status=(["pending", "paid", "shipped", "cancelled"][n % 4]),  # type: ignore[arg-type]
        created=dt.date(2026, 3, 1 + n),
        items=[
            OrderItem(sku=f"sku-{k}", quantity=k + 1, unit_price=9.5 * (k + 1))
            for k in range(n % 3)
        ],
        note="gift" if n % 5 == 0 else None,
    )
    for n in range(12)
]
USERS = {
    1: User(id=1, name="Ada", email="ada@example.com", roles=["admin", "dev"]),
    2: User(id=2, name="Linus", email="linus@example.com", roles=["dev"], manager_id=1),
    3: User(id=3, name="Grace", email="grace@example.com", manager_id=1),
}
SERVICES = ["auth", "billing", "search", "gateway"]
LOGS = [
    LogEntry(
        ts=f"2026-03-{1 + n // 24:02d}T{n % 24:02d}:00:00Z",
        service=SERVICES[n % 4],
        level=(["info", "info", "warn", "error", "debug"][n % 5]),  # type: ignore[arg-type]
        message=f"{SERVICES[n % 4]}: request {n} {'failed: timeout' if n % 5 == 3 else 'ok'}",
        latency_ms=None if n % 7 == 0 else float(20 + (n * 37) % 400),
    )
    for n in range(60)
]
_STORE: dict[str, Any] = {"greeting": "hello", "counter": 3}


@tool
def search_cities(country: str, limit: int = 10) -> list[City]:
    """Cities of a country, largest first.

    Args:
        country: English name of the country, e.g. "Vietnam".
        limit: At most this many cities.
    """
    found = [city for city in CITIES if city.country == country]
    if not found:
        raise ToolError(f"unknown country {country!r}")
    return found[:limit]


@tool
async def get_population(city: str) -> int:
    """The population of a city."""
    for item in CITIES:
        if item.name == city or city in item.aliases:
            return item.population
    raise ToolError(f"no city named {city!r}")


@tool
def get_weather(city: str, unit: Literal["c", "f"] = "c") -> Weather:
    """Current weather of a city."""
    seed = sum(map(ord, city))
    temp = 10 + seed % 25
    return Weather(
        city=city,
        temp=temp if unit == "c" else temp * 9 / 5 + 32,
        conditions=_CONDITIONS[seed % 4],
        wind_kph=float(seed % 40),
        humidity=None if seed % 3 == 0 else 40 + seed % 50,
    )


@tool
def list_orders(customer: str | None = None, status: str | None = None) -> list[Order]:
    """Orders, optionally of one customer and/or with one status."""
    return [
        order
        for order in ORDERS
        if (customer is None or order.customer == customer)
        and (status is None or order.status == status)
    ]


@tool
def get_user(user_id: int) -> User | None:
    """A user by id, or null if there is none."""
    return USERS.get(user_id)


@tool
def fetch_logs(service: str | None = None, level: str | None = None) -> list[LogEntry]:
    """Recent log entries, oldest first."""
    return [
        entry
        for entry in LOGS
        if (service is None or entry.service == service) and (level is None or entry.level == level)
    ]


@tool
def exchange_rate(base: str, quote: str) -> float:
    """How many `quote` one `base` buys."""
    rates = {"USD": 1.0, "EUR": 0.92, "VND": 25_400.0, "JPY": 151.0}
    if base not in rates or quote not in rates:
        raise ToolError(f"unknown currency pair {base}/{quote}")
    return rates[quote] / rates[base]


@tool
def search_docs(query: str, top_k: int = 5) -> list[SearchHit]:
    """Search the documentation; best hits first."""
    words = query.lower().split()
    hits = [
        SearchHit(
            title=f"{word.title()} guide",
            url=f"https://docs.example.com/{word}",
            score=round(1 / (index + 1), 3),
            snippet=f"How to use {word}.",
        )
        for index, word in enumerate(words)
    ]
    return hits[:top_k]


@tool
def create_ticket(args: TicketArgs) -> Ticket:
    """Open a support ticket."""
    return Ticket(id=1000 + len(args.title), **args.model_dump())


@tool
def translate(text: str, target: str) -> str:
    """Translate text into a language (ISO code)."""
    return f"[{target}] {text}"


# Untyped tools: what their results hold is not declared.


@tool
def query_db(sql: str) -> list[dict]:  # type: ignore[type-arg]
    """Run a read-only SQL query; one dict per row."""
    if "orders" in sql.lower():
        return [
            {
                "id": o.id,
                "customer": o.customer,
                "total": sum(i.quantity * i.unit_price for i in o.items),
            }
            for o in ORDERS
        ]
    return [{"n": n, "name": f"row{n}", "score": n * 1.5} for n in range(1, 8)]


@tool
def get_settings() -> dict[str, Any]:
    """The application's settings."""
    return {"theme": {"dark": True, "accent": "teal"}, "locale": "en", "limits": {"daily": 50}}


@tool
def http_get(url: str) -> Any:
    """GET a URL of the internal API and return its decoded JSON."""
    return {"url": url, "items": [{"id": 1, "n": 250}, {"id": 2, "n": 120}, {"id": 3, "n": 310}]}


@tool
def read_document(doc_id: str):  # type: ignore[no-untyped-def]
    """Read a stored document."""
    return {
        "id": doc_id,
        "title": "Quarterly report",
        "text": "Revenue grew 12% to $4.2M in Q3. Costs fell 3%.",
        "tags": ["finance", "q3"],
    }


@tool
def kv_get(key: str) -> Any:
    """Read a value from the key-value store (null when missing)."""
    return _STORE.get(key)


@tool
def kv_set(key: str, value: Any) -> bool:
    """Store a value."""
    _STORE[key] = value
    return True


@tool
def metrics(service: str) -> list[dict[str, Any]]:
    """Per-minute metrics of a service."""
    return [{"minute": m, "rps": 100 + (m * 13) % 50, "errors": m % 4} for m in range(10)]


TOOLS: list[Tool] = [
    search_cities,
    get_population,
    get_weather,
    list_orders,
    get_user,
    fetch_logs,
    exchange_rate,
    search_docs,
    create_ticket,
    translate,
    query_db,
    get_settings,
    http_get,
    read_document,
    kv_get,
    kv_set,
    metrics,
]
