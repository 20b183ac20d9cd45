function summarize(list) {
  return { count: list.length, first: list[0], last: list[list.length - 1] };
}

const hits = await external_search_docs({ query: "alpha beta gamma" });
const summary = summarize(hits);
console.log(summary.first.title, summary.count);
return summary;
