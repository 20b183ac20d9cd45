const logs = await external_fetch_logs();
const services = [...new Set(logs.map((l) => l.service))];
const rates = services.map((service) => {
  const mine = logs.filter((l) => l.service === service);
  const errors = mine.filter((l) => l.level === "error");
  return { service, rate: Math.round((errors.length / mine.length) * 100) };
});
rates.sort((a, b) => b.rate - a.rate || a.service.localeCompare(b.service));
console.log(rates);
return rates;
