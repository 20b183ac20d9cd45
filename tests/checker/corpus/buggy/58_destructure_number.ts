// a typed result used as what it is not
const [first, second] = await external_get_population({ city: "Hue" }); // <- bug
return first + second;
