const [ada, linus] = await Promise.all([
  external_get_user({ user_id: 1 }),
  external_get_user({ user_id: 2 }),
]);
const a = new Set(ada.roles);
const shared = linus.roles.filter((r) => a.has(r));
return shared;
