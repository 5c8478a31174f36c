// got 14.6.5 with its built-in retry: a sync job that takes a client-credentials token, reuses
// it, and walks GET /items by following "next". got is ESM-only since v12; this CommonJS peer
// loads it with import() (found through NODE_PATH like the other peers' packages).
//
// got's true retry defaults (dist/source/core/options.js, calculate-retry-delay.js): limit 2
// (3 attempts); methods GET, PUT, HEAD, DELETE, OPTIONS, TRACE (never POST); statusCodes 408,
// 413, 429, 500, 502, 503, 504, 521, 522, 524 (not 401); delay 2^(attempt-1) × 1000 ms plus
// Math.random() × noise (noise 100 ms): 1 s then 2 s; backoffLimit Infinity; Retry-After in
// seconds or as an HTTP-date (at least 1 ms) is waited instead, unless it is longer than
// maxRetryAfter (undefined: timeout.request, undefined: no bound). got has no token handling:
// renewing after a 401 takes an afterResponse hook, which this peer adds unless told not to.
//
//   node got_client.js             the correct set-up: built-in retry, a 401 hook renews the token
//   node got_client.js --no-401-hook   got as it comes: the expired token ends the job (401)
//   node got_client.js --service   a service: one sync cycle, then idle until its next cycle
//                                  (60 s away), whether the cycle succeeded or gave up
"use strict";

const { pathToFileURL } = require("node:url");
const env = require("./env");

const args = process.argv.slice(2);
const hook401 = !args.includes("--no-401-hook");
const service = args.includes("--service");
const NAME = "acme-node-sync/3.0 (got)";

async function main() {
  const { default: got } = await import(pathToFileURL(require.resolve("got")).href);
  let token = null;
  const newToken = async () => {
    const body = await got
      .post(env.tokenUrl, {
        headers: { Authorization: env.basic(), "X-Client-Name": NAME },
        form: { grant_type: "client_credentials" },
      })
      .json();
    token = body.access_token;
    return token;
  };
  let renewals = 0;
  const api = got.extend({
    headers: { "X-Client-Name": NAME },
    timeout: { request: 10000 },
    hooks: {
      beforeRequest: [
        async (options) => {
          options.headers.authorization = `Bearer ${token || (await newToken())}`;
        },
      ],
      // got's documented pattern for an expired token: renew, then retry with merged options.
      afterResponse: hook401
        ? [
            async (response, retryWithMergedOptions) => {
              if (response.statusCode === 401 && renewals < 5) {
                renewals += 1;
                return retryWithMergedOptions({
                  headers: { authorization: `Bearer ${await newToken()}` },
                });
              }
              return response;
            },
          ]
        : [],
    },
  });

  let failed = null;
  try {
    await env.walk((url) => api.get(url).json());
  } catch (e) {
    failed = e;
    console.error(`giving up this cycle: ${e.message}`);
  }
  if (service) {
    // The next cycle is a minute away; the process stays up, quiet, until then.
    await new Promise((resolve) => setTimeout(resolve, 60000));
  }
  if (failed) {
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`giving up: ${e.message}`);
  process.exit(1);
});
