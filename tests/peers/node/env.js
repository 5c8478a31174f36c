// What every Node peer reads: the evidence API's addresses and credentials, from the variables
// `certcockpit check api --exec` sets. Shared so each peer's file shows only its library's set-up.
"use strict";

function need(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`${name} is not set: run this peer under certcockpit check api --exec`);
    process.exit(2);
  }
  return v;
}

module.exports = {
  baseUrl: need("CERTCOCKPIT_BASE_URL").replace(/\/+$/, ""),
  tokenUrl: need("CERTCOCKPIT_TOKEN_URL"),
  clientId: need("CERTCOCKPIT_CLIENT_ID"),
  clientSecret: need("CERTCOCKPIT_CLIENT_SECRET"),
  /** HTTP Basic credentials for the token endpoint (RFC 6749 §2.3.1). */
  basic() {
    return "Basic " + Buffer.from(`${this.clientId}:${this.clientSecret}`).toString("base64");
  },
};
