const user = await external_get_user({ user_id: 2 });
const manager = await external_get_user({ user_id: user.manager_id });
return `${user.name} reports to ${manager.name}`;
