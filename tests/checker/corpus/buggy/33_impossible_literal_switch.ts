// a literal the result can never equal
const w = await external_get_weather({ city: "Hue" });
switch (w.conditions) {
  case "sunny":
    return "sun";
  case "storm": // <- bug
    return "stay in";
}
return "other";
