// a literal the result can never equal
const orders = await external_list_orders();
const delivered = orders.filter((o) => o.status == "delivered"); // <- bug
return delivered.map((o) => o.id);
