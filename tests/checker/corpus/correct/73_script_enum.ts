enum Level {
  Info = "info",
  Error = "error",
}
const logs = await external_fetch_logs();
const errors = logs.filter((l) => l.level === Level.Error);
return { errors: errors.length, info: logs.filter((l) => l.level === Level.Info).length };
