// a field the result does not have
const w = await external_get_weather({ city: "Hue" });
console.log(`It is ${w.temperature} degrees`); // <- bug
