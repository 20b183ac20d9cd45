const orders = await external_list_orders();
const march = orders.filter((o) => new Date(o.created).getUTCMonth() === 2);
const firstWeek = march.filter((o) => new Date(o.created).getUTCDate() <= 7);
console.log(`${march.length} orders in March, ${firstWeek.length} in its first week`);
return firstWeek.map((o) => o.created);
