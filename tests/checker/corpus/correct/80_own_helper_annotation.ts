function describe(w: { city: string; temperature?: number; temp?: number }) {
  return `${w.city}: ${w.temperature ?? w.temp}`;
}
const w = await external_get_weather({ city: "Hanoi" });
return describe(w);
