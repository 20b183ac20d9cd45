// missing await: awaiting an array does not await its promises
const names = ["Hanoi", "Hue", "Da Nang"];
const pops = await names.map((city) => external_get_population({ city }));
return Math.max(...pops); // <- bug
