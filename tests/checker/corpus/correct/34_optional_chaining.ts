const nobody = await external_get_user({ user_id: 99 });
const ada = await external_get_user({ user_id: 1 });
return { missing: nobody?.name ?? "nobody", admin: ada?.roles?.includes("admin") ?? false };
