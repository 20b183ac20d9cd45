const w = await external_get_weather({ city: "Hue" });
const temp = parseFloat(w.temp);
const wind = parseInt(w.wind_kph, 10);
return { temp, wind, ok: !isNaN(temp) };
