// unknown tool: a misspelled name
const pop = await external_get_populaton({ city: "Hanoi" }); // <- bug
return pop;
