const orders = await external_list_orders({ customer: "acme" });
const totals = orders.map((o) => ({
  id: o.id,
  total: o.items.reduce((sum, item) => sum + item.quantity * item.unit_price, 0),
}));
totals.sort((a, b) => b.total - a.total);
return totals;
