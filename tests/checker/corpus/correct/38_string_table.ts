const cities = await external_search_cities({ country: "Vietnam" });
const width = Math.max(...cities.map((c) => c.name.length));
const table = cities
  .map((c) => `${c.name.padEnd(width)} | ${String(c.population).padStart(10)}`)
  .join("\n");
console.log(table);
return table.split("\n").length;
