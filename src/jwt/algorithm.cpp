#include "jwt/algorithm.hpp"

namespace dts::jwt {

std::optional<Alg> parse_alg(std::string_view name) {
  for (Alg alg : kAllAlgs) {
    if (alg_name(alg) == name) {
      return alg;
    }
  }
  return std::nullopt;
}

std::string_view alg_name(Alg alg) {
  switch (alg) {
    case Alg::kHS256:
      return "HS256";
    case Alg::kHS384:
      return "HS384";
    case Alg::kHS512:
      return "HS512";
    case Alg::kRS256:
      return "RS256";
    case Alg::kRS384:
      return "RS384";
    case Alg::kRS512:
      return "RS512";
    case Alg::kPS256:
      return "PS256";
    case Alg::kPS384:
      return "PS384";
    case Alg::kPS512:
      return "PS512";
    case Alg::kES256:
      return "ES256";
    case Alg::kES384:
      return "ES384";
    case Alg::kES512:
      return "ES512";
    case Alg::kEdDSA:
      return "EdDSA";
  }
  return "";
}

KeyType alg_key_type(Alg alg) {
  switch (alg) {
    case Alg::kHS256:
    case Alg::kHS384:
    case Alg::kHS512:
      return KeyType::kOct;
    case Alg::kES256:
    case Alg::kES384:
    case Alg::kES512:
      return KeyType::kEc;
    case Alg::kEdDSA:
      return KeyType::kOkp;
    default:
      return KeyType::kRsa;
  }
}

std::string_view alg_curve(Alg alg) {
  switch (alg) {
    case Alg::kES256:
      return "P-256";
    case Alg::kES384:
      return "P-384";
    case Alg::kES512:
      return "P-521";
    case Alg::kEdDSA:
      return "Ed25519";
    default:
      return "";
  }
}

std::string_view alg_digest(Alg alg) {
  switch (alg) {
    case Alg::kHS256:
    case Alg::kRS256:
    case Alg::kPS256:
    case Alg::kES256:
      return "SHA256";
    case Alg::kHS384:
    case Alg::kRS384:
    case Alg::kPS384:
    case Alg::kES384:
      return "SHA384";
    case Alg::kHS512:
    case Alg::kRS512:
    case Alg::kPS512:
    case Alg::kES512:
      return "SHA512";
    case Alg::kEdDSA:
      return "";
  }
  return "";
}

bool is_hmac(Alg alg) { return alg_key_type(alg) == KeyType::kOct; }

bool is_pss(Alg alg) { return alg == Alg::kPS256 || alg == Alg::kPS384 || alg == Alg::kPS512; }

std::string_view key_type_name(KeyType type) {
  switch (type) {
    case KeyType::kRsa:
      return "RSA";
    case KeyType::kEc:
      return "EC";
    case KeyType::kOkp:
      return "OKP";
    case KeyType::kOct:
      return "oct";
  }
  return "";
}

}  // namespace dts::jwt
