const w = await external_get_weather({ city: "Hue" });
const report = {};
report["temp"] = w.temp;
report.city = w.city;
report.windy = w.wind_kph > 20;
return report;
