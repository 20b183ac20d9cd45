function add(a, b) {
  return a + b;
}

const pops = await Promise.all(["Hanoi", "Hue"].map((city) => external_get_population({ city })));
return pops.reduce(add, 0);
