// a field the result does not have, after collecting results in an array
const rows = [];
for (const city of ["Hanoi", "Hue"]) rows.push(await external_get_weather({ city }));
return rows.map((r) => r.temperature); // <- bug
