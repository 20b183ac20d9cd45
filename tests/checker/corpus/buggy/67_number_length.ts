// a field the result does not have: a number has no length
const pop = await external_get_population({ city: "Hanoi" });
const digits = pop.length; // <- bug
return digits;
