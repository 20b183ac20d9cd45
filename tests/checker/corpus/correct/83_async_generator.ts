async function* pages() {
  for (const status of ["paid", "shipped"]) {
    yield await external_list_orders({ status });
  }
}
let n = 0;
for await (const page of pages()) n += page.length;
return n;
