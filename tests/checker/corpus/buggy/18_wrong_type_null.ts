// wrong argument type: null for a required string
const pop = await external_get_population({ city: null }); // <- bug
return pop;
