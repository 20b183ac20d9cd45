const ticket = await external_create_ticket({ title: "Login page broken", priority: "high", tags: ["auth", "web"] });
console.log(`opened #${ticket.id} (${ticket.priority})`);
return { id: ticket.id, tagCount: ticket.tags.length, assigned: ticket.assignee !== null };
