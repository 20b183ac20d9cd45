// missing argument: title is required
const ticket = await external_create_ticket({ priority: "high", tags: ["billing"] }); // <- bug
return ticket.id;
