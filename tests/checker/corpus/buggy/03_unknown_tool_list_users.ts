// unknown tool
const users = await external_list_users(); // <- bug
return users.length;
