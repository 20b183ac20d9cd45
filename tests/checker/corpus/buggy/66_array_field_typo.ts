// a field the result does not have: on a list of typed results
const logs = await external_fetch_logs();
const byService = Object.groupBy(logs, (l) => l.service);
return Object.keys(byService).map((s) => ({ s, n: byService[s].lenght })); // <- bug
