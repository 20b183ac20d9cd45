// wrong argument type: user_id is a number
const ids = ["1", "2"];
const users = [];
for (const id of ids) users.push(await external_get_user({ user_id: id })); // <- bug
return users.length;
