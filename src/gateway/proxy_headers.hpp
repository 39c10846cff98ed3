#pragma once
// Header rewriting for the hop between gateway and service (RFC 9110 §7.6.1).

#include <string_view>

#include "common/http/message.hpp"

namespace dts::gateway {

// Connection-specific fields never forwarded: the fixed hop-by-hop list, every field the
// Connection header names, and the framing fields the proxy sets itself.
bool is_hop_by_hop(std::string_view name);

// The headers a service receives: the client's end-to-end fields minus every X-Dts-* (only
// the gateway may set those), plus X-Forwarded-For/Proto/Host, X-Request-Id and the
// traceparent of this hop.
http::Headers upstream_headers(const http::Request& request);

// A service's response fields minus hop-by-hop ones.
http::Headers downstream_headers(const http::Headers& from_upstream);

// Removes every X-Dts-* field (case-insensitive) from `headers`.
void strip_internal_headers(http::Headers& headers);

// Security headers added to every answer unless the service set them.
void add_security_headers(http::Headers& headers);

}  // namespace dts::gateway
