// Encoding builtins: json.*, base64*, hex.*, urlquery.* (Go encoding/* and net/url rules).
#include <array>

#include "rego/builtins/helpers.hpp"
#include "rego/builtins/registry.hpp"
#include "rego/builtins/sprintf.hpp"

namespace dts::rego {
namespace {

using builtins::str;
using types::kAny;
using types::kBool;
using types::kObject;
using types::kString;
using Args = std::span<const Value>;

constexpr std::string_view kStd =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string b64_encode(std::string_view in, std::string_view alphabet, bool pad) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8) |
                 static_cast<uint8_t>(in[i + 2]);
    for (int k = 18; k >= 0; k -= 6) {
      out.push_back(alphabet[(v >> k) & 0x3f]);
    }
  }
  size_t rest = in.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint8_t>(in[i]) << 16;
    if (rest == 2) {
      v |= static_cast<uint8_t>(in[i + 1]) << 8;
    }
    out.push_back(alphabet[(v >> 18) & 0x3f]);
    out.push_back(alphabet[(v >> 12) & 0x3f]);
    if (rest == 2) {
      out.push_back(alphabet[(v >> 6) & 0x3f]);
    }
    if (pad) {
      out.append(rest == 1 ? "==" : "=");
    }
  }
  return out;
}

// Strict decoding like Go's base64.Encoding.DecodeString (padding required when `pad`;
// CR/LF ignored). On error returns the offending input offset in `bad`.
std::optional<std::string> b64_decode(std::string_view in, std::string_view alphabet, bool pad,
                                      size_t& bad) {
  std::string clean;
  std::vector<size_t> pos;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\r' && in[i] != '\n') {
      clean.push_back(in[i]);
      pos.push_back(i);
    }
  }
  size_t n = clean.size();
  size_t data_len = n;
  auto fail = [&](size_t i) {
    bad = i < pos.size() ? pos[i] : in.size();
    return std::nullopt;
  };
  if (pad) {
    if (n % 4 != 0) {
      return fail(n - n % 4);
    }
    while (data_len > 0 && n - data_len < 2 && clean[data_len - 1] == '=') {
      --data_len;
    }
    size_t pads = n - data_len;
    size_t rem = data_len % 4;
    if (rem == 1 || (rem == 0 && pads != 0) || (rem == 2 && pads != 2) || (rem == 3 && pads != 1)) {
      return fail(data_len);
    }
  } else if (n % 4 == 1) {
    return fail(n - 1);
  }
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < data_len; ++i) {
    size_t v = alphabet.find(clean[i]);
    if (v == std::string_view::npos) {
      return fail(i);
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

Result<Value> b64_decode_builtin(std::string_view fn, Args a, std::string_view alphabet, bool url) {
  DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string(fn, a, 1));
  std::string in(s);
  if (url && in.size() % 4 != 0 && in.find('=') == std::string::npos) {
    in.append(4 - in.size() % 4, '=');  // OPA accepts unpadded base64url input
  }
  size_t bad = 0;
  auto out = b64_decode(in, alphabet, true, bad);
  if (!out) {
    return builtin_error(std::string(fn) + ": illegal base64 data at input byte " +
                         std::to_string(bad));
  }
  return str(std::move(*out));
}

bool is_unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

std::string query_escape(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c)) {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 0xf]);
    }
  }
  return out;
}

int hex_val(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> query_unescape(std::string_view fn, std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%') {
      if (i + 2 >= s.size() + 0 || hex_val(s[i + 1]) < 0 || hex_val(s[i + 2]) < 0) {
        std::string esc(s.substr(i, 3));
        return builtin_error(std::string(fn) + ": invalid URL escape " + builtins::go_quote(esc));
      }
      out.push_back(static_cast<char>(hex_val(s[i + 1]) * 16 + hex_val(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

Result<Value> encode_object(Args a) {
  const char* fn = "urlquery.encode_object";
  DTS_ASSIGN_OR_RETURN(const Object* obj, builtins::arg_object(fn, a, 1));
  std::string out;
  auto add = [&](const std::string& k, const Value& v) -> Result<bool> {
    if (!v.is_string()) {
      return operand_error(fn, 1, "object[string: string|array|set]", a[0]);
    }
    if (!out.empty()) {
      out.push_back('&');
    }
    out += query_escape(k) + "=" + query_escape(v.as_string());
    return true;
  };
  for (const auto& [k, v] : *obj) {
    if (!k.is_string()) {
      return operand_error(fn, 1, "object[string: string|array|set]", a[0]);
    }
    if (v.is_array() || v.is_set()) {
      std::vector<Value> items =
          v.is_array() ? v.as_array() : std::vector<Value>(v.as_set().begin(), v.as_set().end());
      for (const auto& item : items) {
        DTS_TRY(add(k.as_string(), item));
      }
    } else {
      DTS_TRY(add(k.as_string(), v));
    }
  }
  return str(std::move(out));
}

Result<Value> decode_object(Args a) {
  const char* fn = "urlquery.decode_object";
  DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string(fn, a, 1));
  std::map<std::string, Array> acc;
  size_t pos = 0;
  while (pos <= s.size() && !s.empty()) {
    size_t amp = s.find('&', pos);
    std::string_view part = s.substr(pos, amp == std::string_view::npos ? s.npos : amp - pos);
    if (part.find(';') != std::string_view::npos) {
      return builtin_error(std::string(fn) + ": invalid semicolon separator in query");
    }
    if (!part.empty()) {
      size_t eq = part.find('=');
      DTS_ASSIGN_OR_RETURN(std::string k, query_unescape(fn, part.substr(0, eq)));
      std::string v;
      if (eq != std::string_view::npos) {
        DTS_ASSIGN_OR_RETURN(v, query_unescape(fn, part.substr(eq + 1)));
      }
      acc[k].push_back(str(std::move(v)));
    }
    if (amp == std::string_view::npos) {
      break;
    }
    pos = amp + 1;
  }
  Object out;
  for (auto& [k, v] : acc) {
    out.emplace(str(k), Value::array(std::move(v)));
  }
  return Value::object(std::move(out));
}

void add_string_fn(Registry& r, const char* name, std::string (*fn)(std::string_view)) {
  r.add(name, {kString}, kString, [name, fn](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string(name, a, 1));
    return str(fn(s));
  });
}

}  // namespace

void register_encoding(Registry& r) {
  add_string_fn(r, "base64.encode", [](std::string_view s) { return b64_encode(s, kStd, true); });
  add_string_fn(r, "base64url.encode",
                [](std::string_view s) { return b64_encode(s, kUrl, true); });
  add_string_fn(r, "base64url.encode_no_pad",
                [](std::string_view s) { return b64_encode(s, kUrl, false); });
  add_string_fn(r, "urlquery.encode", query_escape);
  add_string_fn(r, "hex.encode", [](std::string_view s) {
    std::string out;
    for (char c : s) {
      out.push_back("0123456789abcdef"[static_cast<uint8_t>(c) >> 4]);
      out.push_back("0123456789abcdef"[static_cast<uint8_t>(c) & 0xf]);
    }
    return out;
  });
  r.add("base64.decode", {kString}, kString, [](Args a, BuiltinContext&) {
    return b64_decode_builtin("base64.decode", a, kStd, false);
  });
  r.add("base64url.decode", {kString}, kString, [](Args a, BuiltinContext&) {
    return b64_decode_builtin("base64url.decode", a, kUrl, true);
  });
  r.add("base64.is_valid", {kString}, kBool, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("base64.is_valid", a, 1));
    size_t bad = 0;
    return Value::boolean(b64_decode(s, kStd, true, bad).has_value());
  });
  r.add("hex.decode", {kString}, kString, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("hex.decode", a, 1));
    std::string out;
    for (size_t i = 0; i < s.size(); i += 2) {
      for (size_t k = i; k < std::min(i + 2, s.size()); ++k) {
        if (hex_val(s[k]) < 0) {
          std::string q = "'";
          q.push_back(s[k]);
          char buf[16];
          std::snprintf(buf, sizeof buf, "U+%04X ", static_cast<unsigned char>(s[k]));
          return builtin_error("hex.decode: encoding/hex: invalid byte: " + std::string(buf) + q +
                               "'");
        }
      }
      if (i + 1 >= s.size()) {
        return builtin_error("hex.decode: encoding/hex: odd length hex string");
      }
      out.push_back(static_cast<char>(hex_val(s[i]) * 16 + hex_val(s[i + 1])));
    }
    return str(std::move(out));
  });
  r.add("urlquery.decode", {kString}, kString, [](Args a, BuiltinContext&) -> Result<Value> {
    DTS_ASSIGN_OR_RETURN(std::string_view s, arg_string("urlquery.decode", a, 1));
    DTS_ASSIGN_OR_RETURN(std::string out, query_unescape("urlquery.decode", s));
    return str(std::move(out));
  });
  r.add("urlquery.encode_object", {kObject}, kString,
        [](Args a, BuiltinContext&) { return encode_object(a); });
  r.add("urlquery.decode_object", {kString}, kObject,
        [](Args a, BuiltinContext&) { return decode_object(a); });
  (void)kAny;
}

}  // namespace dts::rego
