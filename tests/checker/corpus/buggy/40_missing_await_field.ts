// missing await
const w = external_get_weather({ city: "Hue" });
console.log(w.temp.toFixed(1)); // <- bug
