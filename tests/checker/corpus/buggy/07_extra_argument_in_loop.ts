// extra argument, inside a callback
const names = ["Hanoi", "Hue"];
const weather = await Promise.all(
  names.map((city) => external_get_weather({ city, units: "f" })), // <- bug
);
return weather.map((w) => w.temp);
