// removed global
const w = await external_get_weather({ city: "Hue" });
localStorage.setItem("last", JSON.stringify(w)); // <- bug
return w.temp;
