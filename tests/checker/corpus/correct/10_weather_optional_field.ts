const w = await external_get_weather({ city: "Hue" });
const humidity = w.humidity ?? "n/a";
return `${w.city}: ${w.temp}°C, ${w.conditions}, humidity ${humidity}`;
