// missing await
const { temp, conditions } = external_get_weather({ city: "Hue" }); // <- bug
return `${temp} ${conditions}`;
