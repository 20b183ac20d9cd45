const logs = await external_fetch_logs();
const byLevel = logs.reduce((acc, l) => {
  acc[l.level] = (acc[l.level] || 0) + 1;
  return acc;
}, {});
return byLevel;
