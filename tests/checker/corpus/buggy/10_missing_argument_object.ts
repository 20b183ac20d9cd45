// missing argument: no object at all
const user = await external_get_user(); // <- bug
return user?.name;
