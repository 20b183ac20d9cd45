const phrases = ["good morning", "thank you", "see you soon"];
const translated = await Promise.all(
  phrases.map((text) => external_translate({ text, target: "vi" })),
);
phrases.forEach((p, i) => console.log(`${p} -> ${translated[i]}`));
return translated;
