// a literal the result can never equal
const w = await external_get_weather({ city: "Hanoi" });
if (w.conditions === "rainy") { // <- bug
  console.log("take an umbrella");
}
return w.conditions;
