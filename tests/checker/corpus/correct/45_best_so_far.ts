const cities = await external_search_cities({ country: "Vietnam" });
let best = null;
for (const c of cities) {
  if (!best || c.population < best.population) best = c;
}
return best.name;
