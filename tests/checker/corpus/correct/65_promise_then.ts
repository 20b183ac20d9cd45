const total = await external_search_cities({ country: "Thailand" })
  .then((cities) => cities.map((c) => c.population))
  .then((pops) => pops.reduce((a, b) => a + b, 0));
return total;
