// missing argument: quote
const rate = await external_exchange_rate({ base: "USD" }); // <- bug
return 100 * rate;
