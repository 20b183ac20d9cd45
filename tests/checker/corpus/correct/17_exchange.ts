const rate = await external_exchange_rate({ base: "USD", quote: "VND" });
const price = 199.99;
const converted = Math.round(price * rate);
console.log(`${price} USD = ${converted.toLocaleString("en-US")} VND`);
return converted;
