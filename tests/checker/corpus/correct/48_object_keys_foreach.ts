const prices = { apple: 1.2, pear: 0.8, fig: 2.5 };
const rate = await external_exchange_rate({ base: "USD", quote: "EUR" });
const converted = {};
Object.keys(prices).forEach((k) => {
  converted[k] = +(prices[k] * rate).toFixed(2);
});
return converted;
