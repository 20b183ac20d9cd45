// wrong argument type: limit is a number
const cities = await external_search_cities({ country: "Vietnam", limit: "3" }); // <- bug
return cities.map((c) => c.name);
