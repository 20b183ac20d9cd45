// wrong argument type: tags is a list
const t = await external_create_ticket({ title: "Printer on fire", tags: "urgent" }); // <- bug
return t.id;
