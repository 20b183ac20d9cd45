let largest: number;
const cities = await external_search_cities({ country: "Vietnam" });
for (const c of cities) {
  if (largest === undefined || c.population > largest) largest = c.population;
}
return largest;
