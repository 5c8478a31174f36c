// What every Node peer shares: the evidence API's addresses and credentials (from the variables
// `certcockpit check api --exec` sets), the client-credentials grant and the page walk, so each
// peer's file shows only its library's set-up.
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
  /** The client-credentials grant as an axios POST: (url, form body, config), named `name`. */
  axiosGrant(name) {
    return [
      this.tokenUrl,
      new URLSearchParams({ grant_type: "client_credentials" }).toString(),
      {
        headers: {
          Authorization: this.basic(),
          "Content-Type": "application/x-www-form-urlencoded",
          "X-Client-Name": name,
        },
        timeout: 10000,
      },
    ];
  },
  /** The sync job: GET /items and every "next" after it with `getBody(url)`; says how many. */
  async walk(getBody) {
    let url = `${this.baseUrl}/items`;
    let items = 0;
    while (url) {
      const body = await getBody(url);
      items += (body.data || []).length;
      url = body.next || null;
    }
    console.log(`fetched ${items} items`);
  },
};
