// The current UTC time and (7 + 5) * 9, computed by the host's tools.
const [now, sum] = await Promise.all([
  external_current_utc_time(),
  external_AddNumbers({ a: 7, b: 5 }),
]);
const product = await external_MultiplyNumbers({ a: sum, b: 9 });
console.log(`UTC time: ${now}`);
console.log(`(7 + 5) * 9 = ${product}`);
({ utc_time: now, result: product });
