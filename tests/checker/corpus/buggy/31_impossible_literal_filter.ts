// a literal the result can never equal
const logs = await external_fetch_logs();
const warnings = logs.filter((l) => l.level === "warning"); // <- bug
return warnings.length;
