// axios 1.21.1 + axios-retry 4.5.0: a sync job that takes a client-credentials token, reuses it,
// renews it once after a 401 (an axios response interceptor, the usual pattern), and walks
// GET /items by following "next".
//
// axios-retry's true defaults (dist/cjs/index.js, DEFAULT_OPTIONS): retries 3 (4 attempts);
// retryCondition isNetworkOrIdempotentRequestError (network errors, or 429 / 5xx on GET, HEAD,
// OPTIONS, PUT, DELETE; never POST); retryDelay noDelay (0 ms, or the Retry-After hint when one
// is sent); shouldResetTimeout false. exponentialDelay(retryCount, error, delayFactor = 100) is
// max(2^retryCount × 100, Retry-After) plus 0-20 % at random: 200, 400, 800 ms for retries 1-3.
// retryAfter() reads both forms: a number of seconds, else an HTTP-date minus now.
//
// Run with no argument: retryDelay exponentialDelay (the correct set-up). With --default-delay:
// axios-retry's default noDelay, which retries at once (not backoff).
"use strict";

const axios = require("axios");
const axiosRetryModule = require("axios-retry");
const env = require("./env");

const axiosRetry = axiosRetryModule.default || axiosRetryModule;
const defaultDelay = process.argv.includes("--default-delay");

const NAME = "acme-node-sync/2.1 (axios)";
const http = axios.create({ timeout: 10000, headers: { "X-Client-Name": NAME } });
axiosRetry(http, defaultDelay ? {} : { retryDelay: axiosRetryModule.exponentialDelay });

let token = null;
// Renewals after a 401, bounded so a server that refuses every token cannot loop us.
let renewals = 0;

async function newToken() {
  const resp = await axios.post(...env.axiosGrant(NAME));
  token = resp.data.access_token;
  return token;
}

http.interceptors.request.use(async (config) => {
  config.headers.Authorization = `Bearer ${token || (await newToken())}`;
  return config;
});

// The token expired under us: renew once, and send the same request again.
http.interceptors.response.use(undefined, async (error) => {
  const config = error.config;
  if (error.response && error.response.status === 401 && config && renewals < 5) {
    renewals += 1;
    await newToken();
    return http(config);
  }
  throw error;
});

async function main() {
  await env.walk(async (url) => (await http.get(url)).data);
}

main().catch((e) => {
  console.error(`giving up: ${e.message}`);
  process.exit(1);
});
