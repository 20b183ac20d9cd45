// unknown tool: a plausible name that is not declared
const w = await external_weather({ city: "Hue" }); // <- bug
return w.temp;
