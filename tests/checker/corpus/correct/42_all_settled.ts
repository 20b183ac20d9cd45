const cities = ["Hanoi", "Nowhere", "Hue"];
const results = await Promise.allSettled(cities.map((city) => external_get_population({ city })));
const report = results.map((r, i) =>
  r.status === "fulfilled" ? `${cities[i]}: ${r.value}` : `${cities[i]}: failed (${r.reason.message})`
);
return report;
