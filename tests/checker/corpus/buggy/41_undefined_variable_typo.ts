// undefined variable
const cities = await external_search_cities({ country: "Vietnam" });
return citiess.length; // <- bug
