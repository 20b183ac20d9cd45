// wrong argument name
const u = await external_get_user({ userId: 1 }); // <- bug
return u;
