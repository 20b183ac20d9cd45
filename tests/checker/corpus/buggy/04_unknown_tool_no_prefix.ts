// unknown tool: called without the external_ prefix
const hits = await search_docs({ query: "rollback" }); // <- bug
return hits.map((h) => h.title);
