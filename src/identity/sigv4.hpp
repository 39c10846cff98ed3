#pragma once
// AWS Signature Version 4 verification (the server side of what AWS SDKs and the aws CLI
// send), used to authenticate Cognito admin actions (AdminCreateUser, ListUsers, ...).
//
//   Authorization: AWS4-HMAC-SHA256 Credential=<key id>/<yyyymmdd>/<region>/<service>/aws4_request,
//                  SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=<hex>
//   X-Amz-Date: 20261126T031500Z
//
// Checks, in order: the header parses (IncompleteSignatureException); the key id is the
// configured one (UnrecognizedClientException, constant-time); the scope's service, the
// terminal "aws4_request" and a date equal to X-Amz-Date's day; X-Amz-Date within
// `max_skew` of now (InvalidSignatureException "Signature expired"); host and x-amz-date
// are signed; the signature recomputed over the canonical request matches
// (InvalidSignatureException, constant-time compare). An x-amz-content-sha256 header, if
// present, must equal the body's hash.
//
// Canonical URI: the received path with dot segments removed, each segment URI-encoded
// again (AWS's rule for every service except S3). Canonical query: pairs decoded, re-encoded
// with AWS's encoding, sorted.
//
// Thread-safety: pure functions.

#include <chrono>
#include <string>
#include <string_view>

#include "common/http/message.hpp"
#include "common/result.hpp"

namespace dts::identity {

struct SigV4Credentials {
  std::string access_key_id;
  std::string secret_access_key;
};

struct SigV4Options {
  std::string service = "cognito-idp";
  std::chrono::seconds max_skew{300};
};

// What a verified request was signed for (for logs: never the secret).
struct SigV4Principal {
  std::string access_key_id;
  std::string region;
};

Result<SigV4Principal> verify_sigv4(const http::Request& request, const SigV4Credentials& credentials,
                                    const SigV4Options& options,
                                    std::chrono::system_clock::time_point now);

// Building blocks, exposed for tests (AWS's published examples).
std::string sigv4_canonical_request(const http::Request& request, std::string_view signed_headers,
                                    std::string_view payload_hash);
std::string sigv4_signature(std::string_view secret, std::string_view date, std::string_view region,
                            std::string_view service, std::string_view string_to_sign);
// AWS URI encoding: unreserved characters kept, everything else %XX (upper-case hex).
std::string aws_uri_encode(std::string_view in, bool encode_slash);

}  // namespace dts::identity
