let page = 0;
let total = 0;
const seen = [];
while (true) {
  const orders = await external_list_orders({ status: ["pending", "paid", "shipped"][page] });
  total += orders.length;
  seen.push(orders.length);
  page++;
  if (page >= 3) break;
}
return { total, seen };
