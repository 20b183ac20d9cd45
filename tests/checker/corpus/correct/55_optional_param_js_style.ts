function label(city, unit) {
  return unit ? `${city} (${unit})` : city;
}

const w = await external_get_weather({ city: "Hue", unit: "c" });
return [label(w.city), label(w.city, "°C")];
