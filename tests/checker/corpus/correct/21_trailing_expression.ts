const w = await external_get_weather({ city: "Hanoi", unit: "f" });
console.log(w.conditions);
w.temp
