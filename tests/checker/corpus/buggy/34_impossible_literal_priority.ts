// a literal the result can never equal
const t = await external_create_ticket({ title: "Outage", priority: "urgent" });
if (t.priority !== "critical") console.log("not critical"); // <- bug
return t.id;
