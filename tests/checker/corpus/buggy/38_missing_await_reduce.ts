// missing await: a list of promises summed
const pops = ["Hanoi", "Hue"].map((city) => external_get_population({ city }));
const total = pops.reduce((a, b) => a + b, 0); // <- bug
return total;
