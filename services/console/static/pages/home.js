// The console's address: each role goes to where its work is (roles.js).
import { api, session } from "../app.js";
import { landing } from "../roles.js";

if (!session.token) location.replace("/console/login");
else location.replace(landing((await api("profiles", "/auth/me")).roles));
