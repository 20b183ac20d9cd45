const base = { source: "weather", version: 2 };
const key = "temp_" + "hue";
const w = await external_get_weather({ city: "Hue" });
const record = { ...base, [key]: w.temp, at: new Date(0).toISOString() };
return record;
