const orders = await external_list_orders({ customer: "acme" });
const dates = orders.map((o) => new Date(o.created));
const spanDays = (dates[dates.length - 1] - dates[0]) / 86400000;
return { orders: orders.length, spanDays };
