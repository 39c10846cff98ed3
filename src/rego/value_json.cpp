// Value <-> JSON text, and the Rego-literal rendering used by print() and sprintf.
#include <cstdio>
#include <string>

#include "rego/detail/utf8.hpp"
#include "rego/value.hpp"

namespace dts::rego {
namespace {

using detail::utf8_len;

void quote(std::string& out, std::string_view s) {
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else if (c >= 0x80) {
          size_t n = utf8_len(s, i);
          if (n == 0) {
            out += "\\ufffd";  // invalid UTF-8 is replaced, as Go's encoder does
            ++i;
            continue;
          }
          out.append(s.substr(i, n));
          i += n;
          continue;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

void newline(std::string& out, int indent) {
  out.push_back('\n');
  out.append(static_cast<size_t>(indent) * 2, ' ');
}

void write_json(std::string& out, const Value& v, bool pretty, int indent) {
  switch (v.kind()) {
    case Kind::kNull:
      out += "null";
      return;
    case Kind::kBool:
      out += v.as_bool() ? "true" : "false";
      return;
    case Kind::kNumber:
      out += v.as_number().to_string();
      return;
    case Kind::kString:
      quote(out, v.as_string());
      return;
    case Kind::kArray:
    case Kind::kSet: {
      out.push_back('[');
      bool first = true;
      auto emit = [&](const Value& item) {
        if (!first) out.push_back(',');
        first = false;
        if (pretty) newline(out, indent + 1);
        write_json(out, item, pretty, indent + 1);
      };
      if (v.is_array()) {
        for (const auto& item : v.as_array()) emit(item);
      } else {
        for (const auto& item : v.as_set()) emit(item);
      }
      if (pretty && !first) newline(out, indent);
      out.push_back(']');
      return;
    }
    case Kind::kObject: {
      out.push_back('{');
      bool first = true;
      for (const auto& [k, val] : v.as_object()) {
        if (!first) out.push_back(',');
        first = false;
        if (pretty) newline(out, indent + 1);
        if (k.is_string()) {
          quote(out, k.as_string());
        } else {
          quote(out, k.to_json());
        }
        out += pretty ? ": " : ":";
        write_json(out, val, pretty, indent + 1);
      }
      if (pretty && !first) newline(out, indent);
      out.push_back('}');
      return;
    }
  }
}

void write_rego(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Kind::kArray: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : v.as_array()) {
        if (!first) out += ", ";
        first = false;
        write_rego(out, item);
      }
      out.push_back(']');
      return;
    }
    case Kind::kSet: {
      if (v.as_set().empty()) {
        out += "set()";
        return;
      }
      out.push_back('{');
      bool first = true;
      for (const auto& item : v.as_set()) {
        if (!first) out += ", ";
        first = false;
        write_rego(out, item);
      }
      out.push_back('}');
      return;
    }
    case Kind::kObject: {
      out.push_back('{');
      bool first = true;
      for (const auto& [k, val] : v.as_object()) {
        if (!first) out += ", ";
        first = false;
        write_rego(out, k);
        out += ": ";
        write_rego(out, val);
      }
      out.push_back('}');
      return;
    }
    default:
      write_json(out, v, false, 0);
  }
}

}  // namespace

std::string Value::to_json(bool pretty) const {
  std::string out;
  write_json(out, *this, pretty, 0);
  return out;
}

std::string Value::to_string() const {
  std::string out;
  write_rego(out, *this);
  return out;
}

}  // namespace dts::rego
