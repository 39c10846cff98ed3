#include "jwt/jwk.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <vector>

#include "jwt/base64.hpp"
#include "jwt/detail/openssl.hpp"

namespace dts::jwt {
namespace {

namespace json = boost::json;
using detail::BnPtr;
using detail::ParamBldPtr;
using detail::ParamPtr;
using detail::PkeyCtxPtr;

// Reads a required (or optional, when `required` is false) base64url member.
Result<std::string> b64_member(const json::object& jwk, std::string_view name, bool required) {
  const json::value* v = jwk.if_contains(name);
  if (v == nullptr) {
    if (required) {
      return invalid_argument("jwk: missing \"" + std::string(name) + "\"");
    }
    return std::string();
  }
  if (!v->is_string()) {
    return invalid_argument("jwk: \"" + std::string(name) + "\" is not a string");
  }
  auto bytes = base64url_decode(std::string_view(v->get_string()));
  if (!bytes.ok()) {
    return invalid_argument("jwk: \"" + std::string(name) + "\": " + bytes.error().message());
  }
  if (required && bytes->empty()) {
    return invalid_argument("jwk: \"" + std::string(name) + "\" is empty");
  }
  return std::move(bytes).value();
}

Result<std::string> string_member(const json::object& jwk, std::string_view name) {
  const json::value* v = jwk.if_contains(name);
  if (v == nullptr) {
    return std::string();
  }
  if (!v->is_string()) {
    return invalid_argument("jwk: \"" + std::string(name) + "\" is not a string");
  }
  return std::string(v->get_string());
}

// Builds an EVP_PKEY of `type` ("RSA", "EC") from OSSL params.
Result<EVP_PKEY*> pkey_from_params(const char* type, OSSL_PARAM_BLD* bld, bool priv) {
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                        params.get()) != 1) {
    return detail::openssl_error(Code::kInvalidArgument,
                                 std::string("jwk: invalid ") + type + " key");
  }
  // fromdata does not validate; reject off-curve points and nonsense RSA publics here.
  PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    EVP_PKEY_free(pkey);
    return detail::openssl_error(Code::kInvalidArgument,
                                 std::string("jwk: ") + type + " public key fails validation");
  }
  return pkey;
}

bool push_bn(OSSL_PARAM_BLD* bld, const char* name, std::string_view bytes,
             std::vector<BnPtr>& keep) {
  BnPtr bn = detail::bytes_to_bn(bytes);
  if (!bn) {
    return false;
  }
  bool ok = OSSL_PARAM_BLD_push_BN(bld, name, bn.get()) == 1;
  keep.push_back(std::move(bn));
  return ok;
}

Result<EVP_PKEY*> rsa_from_jwk(const json::object& jwk) {
  DTS_ASSIGN_OR_RETURN(std::string n, b64_member(jwk, "n", true));
  DTS_ASSIGN_OR_RETURN(std::string e, b64_member(jwk, "e", true));
  DTS_ASSIGN_OR_RETURN(std::string d, b64_member(jwk, "d", false));
  if (jwk.contains("oth")) {
    return unimplemented("jwk: multi-prime RSA (\"oth\") is not supported");
  }
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  std::vector<BnPtr> keep;
  bool ok = bld && push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_N, n, keep) &&
            push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_E, e, keep);
  if (ok && !d.empty()) {
    ok = push_bn(bld.get(), OSSL_PKEY_PARAM_RSA_D, d, keep);
    // CRT parameters are an optimisation; use them only when all five are present.
    static constexpr std::pair<const char*, const char*> kCrt[] = {
        {"p", OSSL_PKEY_PARAM_RSA_FACTOR1},
        {"q", OSSL_PKEY_PARAM_RSA_FACTOR2},
        {"dp", OSSL_PKEY_PARAM_RSA_EXPONENT1},
        {"dq", OSSL_PKEY_PARAM_RSA_EXPONENT2},
        {"qi", OSSL_PKEY_PARAM_RSA_COEFFICIENT1}};
    bool all = true;
    for (const auto& [member, param] : kCrt) {
      all = all && jwk.contains(member);
    }
    for (const auto& [member, param] : kCrt) {
      if (!ok || !all) {
        break;
      }
      DTS_ASSIGN_OR_RETURN(std::string v, b64_member(jwk, member, true));
      ok = push_bn(bld.get(), param, v, keep);
    }
  }
  if (!ok) {
    return detail::openssl_error(Code::kInternal, "jwk: cannot build RSA parameters");
  }
  return pkey_from_params("RSA", bld.get(), !d.empty());
}

struct CurveInfo {
  std::string_view crv;
  const char* group;
  size_t size;
};
constexpr CurveInfo kCurves[] = {
    {"P-256", "prime256v1", 32}, {"P-384", "secp384r1", 48}, {"P-521", "secp521r1", 66}};

Result<EVP_PKEY*> ec_from_jwk(const json::object& jwk, std::string_view crv) {
  const CurveInfo* curve = nullptr;
  for (const auto& c : kCurves) {
    if (c.crv == crv) {
      curve = &c;
    }
  }
  if (curve == nullptr) {
    return unimplemented("jwk: unsupported EC curve \"" + std::string(crv) + "\"");
  }
  DTS_ASSIGN_OR_RETURN(std::string x, b64_member(jwk, "x", true));
  DTS_ASSIGN_OR_RETURN(std::string y, b64_member(jwk, "y", true));
  DTS_ASSIGN_OR_RETURN(std::string d, b64_member(jwk, "d", false));
  // RFC 7518 §6.2.1.2: coordinates are exactly the field size, so lengths are checked.
  if (x.size() != curve->size || y.size() != curve->size ||
      (!d.empty() && d.size() != curve->size)) {
    return invalid_argument("jwk: EC coordinate length does not match " + std::string(crv));
  }
  std::string point = "\x04" + x + y;
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  std::vector<BnPtr> keep;
  bool ok = bld &&
            OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve->group,
                                            0) == 1 &&
            OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                             point.size()) == 1;
  if (ok && !d.empty()) {
    ok = push_bn(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d, keep);
  }
  if (!ok) {
    return detail::openssl_error(Code::kInternal, "jwk: cannot build EC parameters");
  }
  return pkey_from_params("EC", bld.get(), !d.empty());
}

Result<EVP_PKEY*> okp_from_jwk(const json::object& jwk, std::string_view crv) {
  if (crv != "Ed25519") {
    return unimplemented("jwk: unsupported OKP curve \"" + std::string(crv) + "\"");
  }
  DTS_ASSIGN_OR_RETURN(std::string x, b64_member(jwk, "x", true));
  DTS_ASSIGN_OR_RETURN(std::string d, b64_member(jwk, "d", false));
  if (x.size() != 32 || (!d.empty() && d.size() != 32)) {
    return invalid_argument("jwk: Ed25519 keys are 32 bytes");
  }
  const auto* xp = reinterpret_cast<const unsigned char*>(x.data());
  if (d.empty()) {
    EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, xp, 32);
    if (pkey == nullptr) {
      return detail::openssl_error(Code::kInvalidArgument, "jwk: invalid Ed25519 public key");
    }
    return pkey;
  }
  EVP_PKEY* pkey = EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(d.data()), 32);
  if (pkey == nullptr) {
    return detail::openssl_error(Code::kInvalidArgument, "jwk: invalid Ed25519 private key");
  }
  unsigned char derived[32];
  size_t len = sizeof(derived);
  if (EVP_PKEY_get_raw_public_key(pkey, derived, &len) != 1 || len != 32 ||
      std::string_view(reinterpret_cast<char*>(derived), 32) != x) {
    EVP_PKEY_free(pkey);
    return invalid_argument("jwk: Ed25519 \"d\" does not match \"x\"");
  }
  return pkey;
}

Status apply_metadata(const json::object& jwk, Key& key) {
  DTS_ASSIGN_OR_RETURN(std::string kid, string_member(jwk, "kid"));
  DTS_ASSIGN_OR_RETURN(std::string use, string_member(jwk, "use"));
  DTS_ASSIGN_OR_RETURN(std::string alg_text, string_member(jwk, "alg"));
  if (!alg_text.empty()) {
    std::optional<Alg> alg = parse_alg(alg_text);
    if (!alg) {
      return unimplemented("jwk: unsupported \"alg\" \"" + alg_text + "\"");
    }
    if (alg_key_type(*alg) != key.type() ||
        (!alg_curve(*alg).empty() && alg_curve(*alg) != key.curve())) {
      return invalid_argument("jwk: \"alg\" " + alg_text + " does not fit the key type");
    }
    key.set_alg(alg);
  }
  key.set_kid(std::move(kid));
  key.set_use(std::move(use));
  return ok_status();
}

// Public members of `key` (no metadata), in any order.
Result<json::object> public_members(const Key& key) {
  json::object out;
  out["kty"] = key_type_name(key.type());
  EVP_PKEY* pkey = key.pkey();
  if (key.type() == KeyType::kRsa) {
    BIGNUM* n = nullptr;
    BIGNUM* e = nullptr;
    bool ok = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
              EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e) == 1;
    BnPtr n_owned(n);
    BnPtr e_owned(e);
    if (!ok) {
      return detail::openssl_error(Code::kInternal, "jwk: cannot read RSA public key");
    }
    out["n"] = base64url_encode(detail::bn_to_bytes(n));
    out["e"] = base64url_encode(detail::bn_to_bytes(e));
  } else if (key.type() == KeyType::kEc) {
    BIGNUM* x = nullptr;
    BIGNUM* y = nullptr;
    bool ok = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
              EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1;
    BnPtr x_owned(x);
    BnPtr y_owned(y);
    if (!ok) {
      return detail::openssl_error(Code::kInternal, "jwk: cannot read EC public key");
    }
    int size = (key.bits() + 7) / 8;
    out["crv"] = key.curve();
    out["x"] = base64url_encode(detail::bn_to_bytes(x, size));
    out["y"] = base64url_encode(detail::bn_to_bytes(y, size));
  } else if (key.type() == KeyType::kOkp) {
    unsigned char raw[32];
    size_t len = sizeof(raw);
    if (EVP_PKEY_get_raw_public_key(pkey, raw, &len) != 1 || len != 32) {
      return detail::openssl_error(Code::kInternal, "jwk: cannot read Ed25519 public key");
    }
    out["crv"] = "Ed25519";
    out["x"] = base64url_encode(std::string_view(reinterpret_cast<char*>(raw), len));
  } else {
    return failed_precondition("jwk: an HMAC secret has no public JWK");
  }
  return out;
}

void add_metadata(const Key& key, json::object& out) {
  if (!key.kid().empty()) {
    out["kid"] = key.kid();
  }
  if (!key.use().empty()) {
    out["use"] = key.use();
  }
  if (key.alg()) {
    out["alg"] = alg_name(*key.alg());
  }
}

Status add_bn_member(EVP_PKEY* pkey, const char* param, const char* member, int width,
                     json::object& out) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pkey, param, &bn) != 1) {
    detail::clear_openssl_errors();
    return not_found(member);
  }
  std::string bytes = detail::bn_to_bytes(bn, width);
  BN_clear_free(bn);
  out[member] = base64url_encode(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return ok_status();
}

}  // namespace

Result<Key> key_from_jwk(const json::object& jwk) {
  const json::value* kty = jwk.if_contains("kty");
  if (kty == nullptr || !kty->is_string()) {
    return invalid_argument("jwk: missing or non-string \"kty\"");
  }
  std::string_view type = kty->get_string();
  std::string crv;
  if (type == "EC" || type == "OKP") {
    DTS_ASSIGN_OR_RETURN(crv, string_member(jwk, "crv"));
  }
  Result<EVP_PKEY*> pkey = unimplemented("jwk: unsupported \"kty\" \"" + std::string(type) + "\"");
  if (type == "oct") {
    DTS_ASSIGN_OR_RETURN(std::string k, b64_member(jwk, "k", true));
    Key key = Key::from_secret(k);
    OPENSSL_cleanse(k.data(), k.size());
    DTS_TRY(apply_metadata(jwk, key));
    return key;
  } else if (type == "RSA") {
    pkey = rsa_from_jwk(jwk);
  } else if (type == "EC") {
    pkey = ec_from_jwk(jwk, crv);
  } else if (type == "OKP") {
    pkey = okp_from_jwk(jwk, crv);
  }
  if (!pkey.ok()) {
    return pkey.error();
  }
  DTS_ASSIGN_OR_RETURN(Key key, Key::from_pkey(*pkey));
  DTS_TRY(apply_metadata(jwk, key));
  return key;
}

Result<Key> key_from_jwk_json(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    return invalid_argument("jwk: not a JSON object");
  }
  return key_from_jwk(v.get_object());
}

Result<json::object> key_to_public_jwk(const Key& key) {
  DTS_ASSIGN_OR_RETURN(json::object out, public_members(key));
  add_metadata(key, out);
  return out;
}

Result<json::object> key_to_private_jwk(const Key& key) {
  json::object out;
  if (key.type() == KeyType::kOct) {
    out["kty"] = "oct";
    out["k"] = base64url_encode(key.secret());
    add_metadata(key, out);
    return out;
  }
  if (!key.has_private()) {
    return failed_precondition("jwk: key has no private part");
  }
  DTS_ASSIGN_OR_RETURN(out, key_to_public_jwk(key));
  EVP_PKEY* pkey = key.pkey();
  if (key.type() == KeyType::kRsa) {
    DTS_TRY(add_bn_member(pkey, OSSL_PKEY_PARAM_RSA_D, "d", 0, out));
    // CRT members are optional (a key imported from n/e/d alone has none).
    static constexpr std::pair<const char*, const char*> kCrt[] = {
        {OSSL_PKEY_PARAM_RSA_FACTOR1, "p"},
        {OSSL_PKEY_PARAM_RSA_FACTOR2, "q"},
        {OSSL_PKEY_PARAM_RSA_EXPONENT1, "dp"},
        {OSSL_PKEY_PARAM_RSA_EXPONENT2, "dq"},
        {OSSL_PKEY_PARAM_RSA_COEFFICIENT1, "qi"}};
    for (const auto& [param, member] : kCrt) {
      (void)add_bn_member(pkey, param, member, 0, out);
    }
  } else if (key.type() == KeyType::kEc) {
    DTS_TRY(add_bn_member(pkey, OSSL_PKEY_PARAM_PRIV_KEY, "d", (key.bits() + 7) / 8, out));
  } else {
    unsigned char raw[32];
    size_t len = sizeof(raw);
    if (EVP_PKEY_get_raw_private_key(pkey, raw, &len) != 1 || len != 32) {
      return detail::openssl_error(Code::kInternal, "jwk: cannot read Ed25519 private key");
    }
    out["d"] = base64url_encode(std::string_view(reinterpret_cast<char*>(raw), len));
    OPENSSL_cleanse(raw, sizeof(raw));
  }
  return out;
}

}  // namespace dts::jwt
