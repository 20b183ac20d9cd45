const logs = await external_fetch_logs();
const interesting = [];
outer: for (const l of logs) {
  for (const word of ["ok"]) {
    if (l.message.endsWith(word)) continue outer;
  }
  interesting.push(l.message);
}
return interesting.length;
