// Which city gets the warmest day this week, and does it have weather alerts?
// tsact exec examples/weather_task.ts --mcp "python examples/weather_server.py"
const cities = await external_list_cities();
const forecasts = await Promise.all(
  cities.map((city) => external_get_forecast({ city, days: 7 })),
);
let best = { city: "", date: "", high_c: -Infinity };
for (const forecast of forecasts) {
  for (const day of forecast.days) {
    if (day.high_c > best.high_c) {
      best = { city: forecast.city, date: day.date, high_c: day.high_c };
    }
  }
}
const alerts = await external_alerts_count({ city: best.city });
console.log(`${cities.length} cities checked`);
return { ...best, alerts };
