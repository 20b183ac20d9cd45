const logs = await external_fetch_logs({ level: "error" });
const first = logs[0];
const m = first.ts.match(/(?<day>\d{4}-\d{2}-\d{2})T(?<hour>\d{2})/);
return { day: m.groups.day, hour: Number(m.groups.hour) };
