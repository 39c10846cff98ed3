#include "jwt/detail/openssl.hpp"

#include <openssl/err.h>

namespace dts::jwt::detail {

Error openssl_error(Code code, std::string_view what) {
  std::string message(what);
  unsigned long first = ERR_get_error();
  if (first != 0) {
    char buf[256];
    ERR_error_string_n(first, buf, sizeof(buf));
    message += " (";
    message += buf;
    message += ")";
  }
  ERR_clear_error();
  return Error(code, std::move(message));
}

void clear_openssl_errors() { ERR_clear_error(); }

std::string bn_to_bytes(const BIGNUM* bn, int width) {
  int len = width > 0 ? width : BN_num_bytes(bn);
  std::string out(static_cast<size_t>(len), '\0');
  if (len > 0 && BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), len) != len) {
    return {};
  }
  return out;
}

BnPtr bytes_to_bn(std::string_view bytes) {
  return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                         static_cast<int>(bytes.size()), nullptr));
}

}  // namespace dts::jwt::detail
