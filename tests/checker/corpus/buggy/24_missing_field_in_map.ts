// a field the result does not have
const cities = await external_search_cities({ country: "Vietnam" });
const total = cities.map((c) => c.pop).reduce((a, b) => a + b, 0); // <- bug
return total;
