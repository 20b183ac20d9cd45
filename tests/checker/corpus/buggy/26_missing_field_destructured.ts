// a field the result does not have
const { temperature, conditions } = await external_get_weather({ city: "Hue" }); // <- bug
return `${conditions} at ${temperature}`;
