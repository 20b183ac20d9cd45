const doc = await external_read_document({ doc_id: "q3-report" });
const counts = {};
for (const w of doc.text.toLowerCase().split(/\W+/)) {
  if (!w) continue;
  counts[w] = (counts[w] || 0) + 1;
}
const top = Object.entries(counts)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 3);
console.log(top);
return top;
