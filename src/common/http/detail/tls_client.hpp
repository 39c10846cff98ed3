#pragma once
// Client-side TLS for the kit's HTTP client (client.cpp): the verifying SSL context and the
// per-connection settings. Internal to src/common/http; see common/http/tls.hpp for the
// behaviour callers can rely on.

#include <boost/asio/ssl/context.hpp>
#include <boost/system/error_code.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace dts::http::detail {

// A TLS client context: TLS 1.2 or newer, peer verification on, the system trust store
// (OpenSSL's default paths: /etc/ssl/certs on Debian) plus every certificate of `ca_file`
// when it is not empty. Fails when `ca_file` cannot be read or holds no certificate.
// `use_system_store` = false is for tests only (no environment variable reaches it).
Result<std::shared_ptr<boost::asio::ssl::context>> make_client_context(const std::string& ca_file,
                                                                       bool use_system_store);

// make_client_context(ca_file, true), shared by every Client of the process that uses the
// same ca_file while any of them is alive: loading the system trust store costs 40-80 ms of
// CPU (OpenSSL 3 parses the whole bundle), too much to repeat per Client.
Result<std::shared_ptr<boost::asio::ssl::context>> shared_client_context(
    const std::string& ca_file);

// Sets up one connection before its handshake: SNI and the name the certificate must carry
// (DNS names: subject alternative names, no partial wildcards), or for an IP literal the
// IP address SAN and no SNI (RFC 6066 forbids addresses there).
Result<void> prepare_connection(SSL* ssl, const std::string& host);

// Explains a failed handshake: the certificate check that failed ("certificate has expired",
// "hostname mismatch", "unable to get local issuer certificate", ...) or the TLS error, with
// a hint when the server did not speak TLS at all.
std::string describe_handshake_error(const boost::system::error_code& ec, SSL* ssl);

// True when retrying cannot help: the peer's certificate was refused, or the peer does not
// speak TLS at all (plain HTTP on the port).
bool is_permanent_handshake_failure(const boost::system::error_code& ec, SSL* ssl);

}  // namespace dts::http::detail
