// a field the result does not have (nested)
const orders = await external_list_orders();
const first = orders[0];
return first.items.map((i) => i.price * i.quantity); // <- bug
