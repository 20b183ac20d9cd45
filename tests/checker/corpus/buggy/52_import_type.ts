// import, in a type
type Config = typeof import("./config.ts"); // <- bug
const w = await external_get_weather({ city: "Hue" });
return w.temp;
