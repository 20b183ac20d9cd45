// Total and standard deviation of the population of Vietnam's 5 largest cities.
const cities = await external_search_cities({ country: "Vietnam", limit: 5 });
const populations = await Promise.all(
  cities.map((city: { name: string }) => external_get_population({ city: city.name })),
);
const total = populations.reduce((sum: number, p: number) => sum + p, 0);
const mean = total / populations.length;
const variance = populations.reduce((sum: number, p: number) => sum + (p - mean) ** 2, 0) /
  populations.length;
const stddev = Math.round(Math.sqrt(variance));
cities.forEach((city: { name: string }, i: number) =>
  console.log(`${city.name}: ${populations[i].toLocaleString("en-US")}`)
);
console.log(`total ${total.toLocaleString("en-US")}, standard deviation ${stddev.toLocaleString("en-US")}`);
({ cities: cities.map((c: { name: string }) => c.name), total, stddev });
