// a field the result does not have (on a result that may be null)
const user = await external_get_user({ user_id: 1 });
if (user && user.role === "admin") console.log("admin"); // <- bug
return user?.name;
