// extra argument
const cities = await external_search_cities({ country: "Vietnam", max: 3 }); // <- bug
return cities.length;
