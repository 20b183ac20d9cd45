const wet = ["rain", "snow"] as const;
const cities = ["Hanoi", "Hue", "Da Nang", "Bangkok"];
const weather = await Promise.all(cities.map((city) => external_get_weather({ city })));
return weather.filter((w) => wet.includes(w.conditions)).map((w) => w.city);
