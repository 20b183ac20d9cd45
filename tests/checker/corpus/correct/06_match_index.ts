const text = await external_translate({ text: "Revenue grew 12 percent", target: "fr" });
const pct = text.match(/(\d+)/)[1];
return parseInt(pct, 10);
