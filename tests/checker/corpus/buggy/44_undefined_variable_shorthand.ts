// undefined variable, in a shorthand property
const w = await external_get_weather({ city: "Hue" });
return { w, temperature }; // <- bug
