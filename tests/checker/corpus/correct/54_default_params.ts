function fmt(n, digits = 1) {
  return n.toFixed(digits);
}

const rate = await external_exchange_rate({ base: "EUR", quote: "JPY" });
return [fmt(rate), fmt(rate, 3)];
