// This week's top failing modules, computed inside the sandbox: the 12,450 records
// never leave it; only the summary is printed and returned.
type LogRecord = { level: string; module: string; message: string };
const logs: LogRecord[] = await external_fetch_logs({ days: 7 });

const byModule = new Map<string, { total: number; errors: number; messages: Map<string, number> }>();
for (const record of logs) {
  const entry = byModule.get(record.module) ?? { total: 0, errors: 0, messages: new Map() };
  entry.total += 1;
  if (record.level === "ERROR") {
    entry.errors += 1;
    entry.messages.set(record.message, (entry.messages.get(record.message) ?? 0) + 1);
  }
  byModule.set(record.module, entry);
}

const top = [...byModule.entries()]
  .map(([module, { total, errors, messages }]) => ({
    module,
    errors,
    error_rate: Math.round((errors / total) * 1000) / 10,
    top_error: [...messages.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null,
  }))
  .sort((a, b) => b.errors - a.errors)
  .slice(0, 3);

console.log(`${logs.length} records, ${logs.filter((r) => r.level === "ERROR").length} errors`);
for (const m of top) console.log(`${m.module}: ${m.errors} errors (${m.error_rate}%), mostly "${m.top_error}"`);
top;
