// missing await
const cities = external_search_cities({ country: "Vietnam" });
return cities.map((c) => c.name); // <- bug
