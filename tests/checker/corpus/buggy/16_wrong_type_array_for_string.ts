// wrong argument type: one city, not a list
const pop = await external_get_population({ city: ["Hanoi", "Hue"] }); // <- bug
return pop;
