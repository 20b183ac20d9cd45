const cities = await external_search_cities({ country: "Vietnam" });
const total = cities.reduce((sum, c) => sum + c.population, 0);
console.log(`Total population: ${total}`);
return total;
