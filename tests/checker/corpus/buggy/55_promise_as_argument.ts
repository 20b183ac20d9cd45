// missing await: a Promise passed as an argument
const name = external_translate({ text: "Hue", target: "vi" });
const w = await external_get_weather({ city: name }); // <- bug
return w.temp;
