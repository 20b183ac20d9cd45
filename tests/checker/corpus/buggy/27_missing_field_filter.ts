// a field the result does not have
const logs = await external_fetch_logs();
const bad = logs.filter((l) => l.severity === "error"); // <- bug
return bad.length;
