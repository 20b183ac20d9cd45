const rows = await external_query_db({ sql: "SELECT n, name, score FROM results" });
const good = rows.filter((r) => r.score > 5);
console.log(`${good.length} of ${rows.length} rows score above 5`);
return good.map((r) => r.name);
