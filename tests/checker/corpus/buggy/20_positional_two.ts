// positional arguments
const rate = await external_exchange_rate("USD", "EUR"); // <- bug
return rate * 10;
