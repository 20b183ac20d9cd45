// a typed result used as what it is not
const w = await external_get_weather({ city: "Hue" });
return w.temp(); // <- bug
