// a field the result does not have: a method arrays lack
const cities = await external_search_cities({ country: "Vietnam" });
const sorted = cities.sortBy((c) => c.population); // <- bug
return sorted;
