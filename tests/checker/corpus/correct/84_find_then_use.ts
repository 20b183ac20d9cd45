const orders = await external_list_orders();
const item = orders.flatMap((o) => o.items).find((i) => i.sku === "sku-1");
const total = item.quantity * item.unit_price;
console.log(`sku-1: ${item.quantity} x ${item.unit_price}`);
return total;
