const orders = await external_list_orders();
const shipped = orders.filter((o) => o.status === "shipped");
const cancelled = orders.filter((o) => o.status == "cancelled").length;
console.log(`shipped: ${shipped.length}, cancelled: ${cancelled}`);
return shipped.map((o) => o.id);
