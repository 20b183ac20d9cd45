interface Weather {
  city: string;
  temp: number;
  conditions: string;
  humidity?: number;
}
const w: Weather = await external_get_weather({ city: "Hue" });
const line = `${w.city}: ${w.temp} (${w.conditions})`;
return w.humidity ? `${line}, ${w.humidity}%` : line;
