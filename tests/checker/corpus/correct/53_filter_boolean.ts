const ids = [1, 2, 3, 4];
const users = await Promise.all(ids.map((id) => external_get_user({ user_id: id })));
const emails = users.filter(Boolean).map((u) => u.email);
return emails;
