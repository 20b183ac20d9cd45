const cities = await external_search_cities({ country: "Vietnam" });
const names = cities.map((c) => c.name).sort((a, b) => a.localeCompare(b));
return names;
