const names = ["Hanoi", "Hue", "Da Nang"];
const results = await Promise.all(
  names.map(async (city) => ({ city, population: await external_get_population({ city }) })),
);
const largest = results.reduce((best, r) => (r.population > best.population ? r : best));
return largest.city;
