const counter = {
  n: 0,
  bump() {
    this.n += 1;
    return this;
  },
};
counter.bump().bump();
const rows = await external_query_db({ sql: "select * from orders" });
return { n: counter.n, customers: [...new Set(rows.map((r) => r.customer))] };
