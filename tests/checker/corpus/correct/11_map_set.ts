const logs = await external_fetch_logs();
const byService = new Map<string, number>();
for (const l of logs) {
  byService.set(l.service, (byService.get(l.service) ?? 0) + 1);
}
const levels = new Set(logs.map((l) => l.level));
return { services: Object.fromEntries(byService), levels: [...levels].sort() };
