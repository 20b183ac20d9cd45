function groupBy<T>(items: T[], key: (item: T) => string): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const item of items) {
    (out[key(item)] ??= []).push(item);
  }
  return out;
}

const orders = await external_list_orders();
const byCustomer = groupBy(orders, (o) => o.customer);
return Object.fromEntries(Object.entries(byCustomer).map(([k, v]) => [k, v.length]));
