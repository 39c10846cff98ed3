#include "common/http/detail/tls_client.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/error.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/error.hpp>
#include <map>
#include <mutex>

#include "common/http/tls.hpp"

namespace asio = boost::asio;

namespace dts::http {

Result<size_t> check_ca_file(const std::string& path) {
  // Reads the file the way SSL_CTX_load_verify_locations will, so a typo in the path or a
  // key/DER file given by mistake is reported at start-up, not at the first https request.
  BIO* bio = BIO_new_file(path.c_str(), "r");
  if (bio == nullptr) {
    ERR_clear_error();
    return invalid_argument("CA file '" + path + "' cannot be read");
  }
  size_t count = 0;
  while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
    X509_free(cert);
    ++count;
  }
  unsigned long err = ERR_peek_last_error();
  bool clean_end =
      err == 0 || (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE);
  ERR_clear_error();
  BIO_free(bio);
  if (!clean_end) return invalid_argument("CA file '" + path + "' has a malformed certificate");
  if (count == 0) return invalid_argument("CA file '" + path + "' holds no PEM certificate");
  return count;
}

namespace detail {

Result<std::shared_ptr<asio::ssl::context>> make_client_context(const std::string& ca_file,
                                                                bool use_system_store) {
  auto ctx = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_client);
  SSL_CTX* native = ctx->native_handle();
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1) {
    ERR_clear_error();
    return internal_error("TLS: cannot require TLS 1.2");
  }
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_verify(native, SSL_VERIFY_PEER, nullptr);
  if (use_system_store && SSL_CTX_set_default_verify_paths(native) != 1) {
    ERR_clear_error();
    return internal_error("TLS: cannot load the system trust store");
  }
  if (!ca_file.empty()) {
    auto checked = check_ca_file(ca_file);
    if (!checked.ok()) return checked.error();
    if (SSL_CTX_load_verify_locations(native, ca_file.c_str(), nullptr) != 1) {
      ERR_clear_error();
      return invalid_argument("CA file '" + ca_file + "' cannot be loaded");
    }
  }
  return ctx;
}

Result<std::shared_ptr<asio::ssl::context>> shared_client_context(const std::string& ca_file) {
  // weak_ptr: a context lives as long as a Client uses it, and nothing OpenSSL-owned is left
  // for static destruction at exit.
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<asio::ssl::context>> contexts;
  std::lock_guard lock(mu);
  auto& slot = contexts[ca_file];
  if (auto live = slot.lock()) return live;
  auto made = make_client_context(ca_file, true);
  if (made.ok()) slot = *made;
  return made;
}

Result<void> prepare_connection(SSL* ssl, const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  if (!ec) {
    // An IP literal: the certificate must list it as an IP address SAN. No SNI.
    if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) != 1) {
      ERR_clear_error();
      return invalid_argument("TLS: cannot check certificates for address '" + host + "'");
    }
    return {};
  }
  if (SSL_set_tlsext_host_name(ssl, host.c_str()) != 1) {
    ERR_clear_error();
    return invalid_argument("TLS: '" + host + "' is not usable as a server name");
  }
  SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (SSL_set1_host(ssl, host.c_str()) != 1) {
    ERR_clear_error();
    return invalid_argument("TLS: cannot check certificates for host '" + host + "'");
  }
  return {};
}

namespace {

// The peer answered the ClientHello with something that is not a TLS record (an HTTP
// response reads as a record with a bad version or a huge length).
bool not_tls(const boost::system::error_code& ec) {
  if (ec.category() != asio::error::get_ssl_category()) return false;
  auto reason = ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
  return reason == SSL_R_WRONG_VERSION_NUMBER || reason == SSL_R_PACKET_LENGTH_TOO_LONG;
}

}  // namespace

bool is_permanent_handshake_failure(const boost::system::error_code& ec, SSL* ssl) {
  return SSL_get_verify_result(ssl) != X509_V_OK || not_tls(ec);
}

std::string describe_handshake_error(const boost::system::error_code& ec, SSL* ssl) {
  long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) {
    return std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
  }
  if (ec == asio::ssl::error::stream_truncated || ec == asio::error::eof ||
      ec == asio::error::connection_reset) {
    return "the server closed the connection during the TLS handshake (" + ec.message() + ")";
  }
  std::string message = ec.message();
  if (not_tls(ec)) message += " (the server does not speak TLS: plain HTTP on an https:// port?)";
  return message;
}

}  // namespace detail
}  // namespace dts::http
