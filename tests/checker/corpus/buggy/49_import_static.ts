// import
import { z } from "npm:zod"; // <- bug
const schema = z.object({ city: z.string() });
return schema.parse({ city: "Hue" });
