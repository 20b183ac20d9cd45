const { temp, conditions, wind_kph } = await external_get_weather({ city: "Da Nang" });
const advice = conditions === "rain" ? "take an umbrella" : `enjoy ${temp} degrees`;
return { advice, windy: wind_kph > 30 };
