#pragma once
// HTTPS in the kit's HTTP client (client.hpp), what callers can rely on:
//
//   - `https://host[:port]/...` URLs (port 443 by default) are fetched over TLS 1.2 or 1.3;
//     nothing older is offered, and there is never a fallback to plain HTTP.
//   - The server's certificate chain must verify against the system trust store (OpenSSL's
//     default paths; /etc/ssl/certs from Debian's ca-certificates package) plus, when
//     ClientOptions::ca_file is set, the PEM certificates in that file (a private CA).
//   - The certificate must name the URL's host: DNS names are matched against the subject
//     alternative names (wildcards only as a whole left-most label) and sent as SNI; IP
//     literals (https://127.0.0.1/, https://[::1]/) must appear as IP address SANs.
//   - Verification cannot be turned off. There is no option for it, so no configuration
//     can reach one.
//   - A refused certificate fails the request at once with kUnavailable and a message naming
//     the check ("certificate verify failed: certificate has expired", "... hostname
//     mismatch", "... unable to get local issuer certificate"); it is not retried.
//     A server that answers in plain HTTP fails the handshake the same way ("... plain HTTP
//     on an https:// port?").
//   - Keep-alive pooling, timeouts and retries work as for http:// (pools are per scheme,
//     host and port; the handshake counts against connect_timeout).
//   - Cost: loading the system trust store takes 40-80 ms of CPU with OpenSSL 3. It happens
//     at a Client's first https:// request and is shared by all Clients of the process with
//     the same ca_file while one of them lives; keep Clients long-lived (one per component),
//     and pooled connections skip the handshake (loopback: ~0.1 ms per kept-alive request).
//     A changed ca_file is read again only when no Client holds the old one.

#include <cstddef>
#include <string>

#include "common/result.hpp"

namespace dts::http {

// Checks that `path` is a readable PEM file of at least one certificate (what
// ClientOptions::ca_file needs); returns the number of certificates. For start-up
// validation of a CA-file setting.
Result<size_t> check_ca_file(const std::string& path);

}  // namespace dts::http
