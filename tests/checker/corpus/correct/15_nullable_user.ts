const user = await external_get_user({ user_id: 2 });
console.log(user.name, user.email);
return user.roles.join(", ");
