const orders = await external_list_orders();
const skus = orders.flatMap((o) => o.items.map((i) => i.sku));
const unique = Array.from(new Set(skus)).sort();
const quantities = orders.flatMap((o) => o.items).reduce((q, i) => q + i.quantity, 0);
return { unique, quantities };
