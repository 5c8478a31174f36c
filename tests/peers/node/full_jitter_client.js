// A full-jitter client: axios 1.21.1 for HTTP, exponential-backoff 3.1.3 with jitter "full"
// for the retries (the strategy of the AWS SDKs and reqwest-retry: a random wait in [0, cap],
// the cap doubling). One token reused, a fixed X-Client-Name, GET /items by following "next".
//
// exponential-backoff's true defaults (dist/options.js, dist/delay/, dist/jitter/): numOfAttempts
// 10; startingDelay 100 ms; timeMultiple 2; maxDelay Infinity; delayFirstAttempt false (the first
// attempt is not delayed, the n-th retry waits startingDelay × 2^(n-1)); jitter "none" (this peer
// sets "full": Math.round(Math.random() × delay)); retry: () => true (every error retried). It
// knows nothing of HTTP, so it never reads Retry-After; this peer retries 429 and 5xx only.
"use strict";

const axios = require("axios");
const { backOff } = require("exponential-backoff");
const env = require("./env");

const NAME = "acme-node-sync/4.0 (exponential-backoff)";
const RETRY = new Set([429, 500, 502, 503, 504]);

async function main() {
  const grant = await axios.post(...env.axiosGrant(NAME));
  const headers = { Authorization: `Bearer ${grant.data.access_token}`, "X-Client-Name": NAME };
  await env.walk(async (url) => {
    const resp = await backOff(() => axios.get(url, { headers, timeout: 10000 }), {
      jitter: "full",
      retry: (e) => Boolean(e.response && RETRY.has(e.response.status)),
    });
    return resp.data;
  });
}

main().catch((e) => {
  console.error(`giving up: ${e.message}`);
  process.exit(1);
});
