const orders = await external_list_orders({ customer: "globex" });
orders.sort((a, b) => (a.created < b.created ? 1 : -1));
return orders.slice(0, 2).map((o) => `${o.id} ${o.created} ${o.status}`);
