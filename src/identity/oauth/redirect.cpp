#include "identity/oauth/redirect.hpp"

#include <algorithm>

#include "common/http/message.hpp"

namespace dts::identity::oauth {

bool redirect_registered(std::string_view uri, const std::vector<std::string>& registered) {
  if (uri.empty() || uri.size() > kMaxRedirectUriBytes) {
    return false;
  }
  return std::any_of(registered.begin(), registered.end(),
                     [&](const std::string& r) { return r == uri; });
}

std::string with_query(std::string_view uri,
                       const std::vector<std::pair<std::string, std::string>>& params) {
  std::string_view fragment;
  if (size_t hash = uri.find('#'); hash != std::string_view::npos) {
    fragment = uri.substr(hash);
    uri = uri.substr(0, hash);
  }
  std::string out(uri);
  char sep = out.find('?') == std::string::npos ? '?' : '&';
  if (!out.empty() && (out.back() == '?' || out.back() == '&')) {
    sep = '\0';
  }
  for (const auto& [k, v] : params) {
    if (sep != '\0') {
      out += sep;
    }
    sep = '&';
    out += http::percent_encode(k);
    out += '=';
    out += http::percent_encode(v);
  }
  out += fragment;
  return out;
}

}  // namespace dts::identity::oauth
