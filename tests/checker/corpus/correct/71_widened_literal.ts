let unit = "c";
if (new Date(0).getUTCFullYear() < 2000) unit = "f";
const opts = { city: "Hue", unit: unit };
const w = await external_get_weather(opts);
const w2 = await external_get_weather({ city: "Hanoi", unit });
return [w.temp, w2.temp];
