// wrong argument type: unit is "c" | "f"
const w = await external_get_weather({ city: "Hue", unit: "kelvin" }); // <- bug
return w.temp;
