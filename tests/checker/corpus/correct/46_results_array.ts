const results = [];
for (const city of ["Hanoi", "Hue"]) {
  const w = await external_get_weather({ city });
  results.push({ city, temp: w.temp, sunny: w.conditions === "sunny" });
}
console.log(results);
return results;
