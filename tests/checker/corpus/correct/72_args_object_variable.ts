const args = { country: "Vietnam", limit: 2 };
const cities = await external_search_cities(args);
const more = await external_search_cities({ ...args, limit: 4 });
return { first: cities.map((c) => c.name), more: more.length };
