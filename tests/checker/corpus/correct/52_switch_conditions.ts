const w = await external_get_weather({ city: "Bangkok" });
let icon;
switch (w.conditions) {
  case "sunny":
    icon = "☀";
    break;
  case "cloudy":
    icon = "☁";
    break;
  case "rain":
  case "snow":
    icon = "☂";
    break;
}
return icon;
