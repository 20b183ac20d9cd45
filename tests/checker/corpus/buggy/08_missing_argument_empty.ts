// missing argument
const pop = await external_get_population({}); // <- bug
console.log(pop);
