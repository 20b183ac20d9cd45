// a field the result does not have
const orders = await external_list_orders({ customer: "acme" });
const revenue = orders.reduce((sum, o) => sum + o.total, 0); // <- bug
return revenue;
