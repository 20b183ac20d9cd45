// positional arguments
const cities = await external_search_cities("Vietnam", 5); // <- bug
return cities.length;
