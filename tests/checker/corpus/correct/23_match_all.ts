const doc = await external_read_document({ doc_id: "q3-report" });
const numbers = [...doc.text.matchAll(/(\d+(?:\.\d+)?)/g)].map((m) => parseFloat(m[1]));
console.log(numbers);
return numbers.reduce((a, b) => a + b, 0);
