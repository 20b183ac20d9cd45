const hits = await external_search_docs({ query: "deploy rollback canary", top_k: 3 });
const lines = hits.filter((h) => h.score > 0.4).map((h) => `${h.title} <${h.url}>`);
console.log(lines.join("\n"));
return lines;
