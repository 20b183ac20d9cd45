// missing await
const user = external_get_user({ user_id: 1 });
if (user) { // <- bug
  console.log("found a user");
}
