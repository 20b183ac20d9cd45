globalThis.cache = globalThis.cache || {};
const key = "pop:Hue";
if (!(key in globalThis.cache)) {
  globalThis.cache[key] = await external_get_population({ city: "Hue" });
}
return globalThis.cache[key];
