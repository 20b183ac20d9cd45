const cities = await external_search_cities({ country: "Thailand" });
const bkk = cities.find((c) => c.name === "Bangkok");
const doubled = bkk.population * 2;
return { name: bkk.name, doubled };
