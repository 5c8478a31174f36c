// A Go sync job on hashicorp/go-retryablehttp and golang.org/x/oauth2's client credentials, as
// Debian packages them (golang-github-hashicorp-go-retryablehttp-dev 0.7.1,
// golang-golang-x-oauth2-dev 0.3.0), built offline in GOPATH mode:
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o … retryablehttp_client.go
//
// It takes a token, walks GET /items by following "next", and exits; with -service it then
// stays up, quiet, until its next cycle a minute later (whether the cycle succeeded or gave up).
//
// go-retryablehttp's true defaults (client.go, NewClient): RetryMax 4 (5 attempts);
// RetryWaitMin 1 s, RetryWaitMax 30 s; Backoff DefaultBackoff: min × 2^attempt (1, 2, 4, 8 s),
// no jitter, except on 429 and 503 with a Retry-After that parses as whole seconds, which is
// waited instead: the HTTP-date form is ignored; CheckRetry DefaultRetryPolicy: connection
// errors, 429, 0 and every 5xx but 501, on any method (the body is buffered, so POSTs too).
// After the last attempt Do returns "giving up after 5 attempt(s)".
//
// golang.org/x/oauth2's true defaults (token.go, clientcredentials.go): ReuseTokenSource keeps
// a token until 10 s before its expiry (expiryDelta), then takes a new one with the client
// credentials (no refresh token in this grant); a token living under 10 s is renewed for every
// call. AuthStyle 0 auto-detects: HTTP Basic first, then the form body. It never reacts to a
// 401: a token is renewed only by its own clock.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	retryablehttp "github.com/hashicorp/go-retryablehttp"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

const name = "acme-go-sync/1.7 (go-retryablehttp)"

// named sets X-Client-Name on every request, the token requests too.
type named struct{ base http.RoundTripper }

func (n named) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("X-Client-Name", name)
	return n.base.RoundTrip(r)
}

func env(key string) string {
	v := os.Getenv(key)
	if v == "" {
		fmt.Fprintf(os.Stderr, "%s is not set: run this peer under certcockpit check api --exec\n", key)
		os.Exit(2)
	}
	return v
}

type page struct {
	Data []json.RawMessage `json:"data"`
	Next string            `json:"next"`
}

func cycle(client *http.Client, base string) error {
	url := strings.TrimRight(base, "/") + "/items"
	items := 0
	for url != "" {
		resp, err := client.Get(url)
		if err != nil {
			return err
		}
		var p page
		err = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", url, resp.Status)
		}
		if err != nil {
			return fmt.Errorf("GET %s: %v", url, err)
		}
		items += len(p.Data)
		url = p.Next
	}
	fmt.Printf("fetched %d items\n", items)
	return nil
}

func main() {
	service := flag.Bool("service", false, "after the cycle, stay up quietly until the next one (60 s)")
	flag.Parse()

	retrying := retryablehttp.NewClient()
	retrying.HTTPClient.Timeout = 10 * time.Second
	httpClient := &http.Client{Transport: named{retrying.StandardClient().Transport}}
	// oauth2 takes its HTTP client (for the token requests) from the context.
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, httpClient)
	cfg := clientcredentials.Config{
		ClientID:     env("CERTCOCKPIT_CLIENT_ID"),
		ClientSecret: env("CERTCOCKPIT_CLIENT_SECRET"),
		TokenURL:     env("CERTCOCKPIT_TOKEN_URL"),
	}
	err := cycle(cfg.Client(ctx), env("CERTCOCKPIT_BASE_URL"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "giving up this cycle: %v\n", err)
	}
	if *service {
		time.Sleep(60 * time.Second)
	}
	if err != nil {
		os.Exit(1)
	}
}
