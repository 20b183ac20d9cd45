// a field the result does not have
const hits = await external_search_docs({ query: "billing" });
return hits[0].link; // <- bug
