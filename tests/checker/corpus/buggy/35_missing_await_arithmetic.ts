// missing await
const pop = external_get_population({ city: "Hanoi" });
return pop * 2; // <- bug
