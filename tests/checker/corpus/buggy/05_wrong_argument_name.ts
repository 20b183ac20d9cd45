// wrong argument name
const pop = await external_get_population({ name: "Hanoi" }); // <- bug
return pop;
