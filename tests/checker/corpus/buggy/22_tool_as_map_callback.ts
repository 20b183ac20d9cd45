// positional argument: map passes each string itself
const pops = await Promise.all(["Hanoi", "Hue"].map(external_get_population)); // <- bug
return pops;
