const logs = await external_fetch_logs({ level: "error" });
const last = logs[logs.length - 1];
const firstTimeout = logs.find((l) => l.message.includes("timeout"));
return { last: last.ts, timeout: firstTimeout.message, count: logs.length };
