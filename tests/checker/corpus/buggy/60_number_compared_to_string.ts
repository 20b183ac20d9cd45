// a literal the result can never equal
const pop = await external_get_population({ city: "Hanoi" });
if (pop === "8053663") console.log("exact"); // <- bug
return pop;
