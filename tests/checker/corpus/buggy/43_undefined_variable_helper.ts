// undefined variable: a helper never defined
const values = await Promise.all(["Hanoi", "Hue"].map((city) => external_get_population({ city })));
return average(values); // <- bug
