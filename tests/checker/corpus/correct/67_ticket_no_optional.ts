const t = await external_create_ticket({ title: "Refund request" });
const summary = `#${t.id} ${t.title} [${t.priority}]` + (t.assignee ? ` -> ${t.assignee}` : "");
return summary;
