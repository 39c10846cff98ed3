#pragma once
// Edits of the base data document (OPA's data API): put, remove and JSON Patch (RFC 6902)
// on immutable Rego values. Each edit returns a new document that shares every untouched
// subtree with the old one, so a snapshot being evaluated is never changed underneath.
//
// Paths are lists of segments ("servers", "0"); a segment addresses an object member by
// name or an array element by its decimal index.

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "rego/value.hpp"

namespace dts::policy::pdp {

using DocPath = std::vector<std::string>;

// Splits a URL path remainder "a/b/c" (already percent-decoded) into segments; empty
// segments (leading, trailing or doubled slashes) are dropped.
DocPath split_doc_path(std::string_view path);
// "/a/b" for messages.
std::string join_doc_path(const DocPath& path);

// The value at `path`, or nullptr when there is none.
const rego::Value* find_at(const rego::Value& root, const DocPath& path);

// Sets `path` to `value`, creating missing parent objects like OPA's PUT /v1/data.
// Errors: kInvalidArgument when a parent is a scalar or an array index is out of range.
Result<rego::Value> put_at(const rego::Value& root, const DocPath& path, rego::Value value);

// Removes the member or element at `path`. Errors: kNotFound when it does not exist.
Result<rego::Value> remove_at(const rego::Value& root, const DocPath& path);

// Applies JSON Patch `ops` (an array of {op, path, value?, from?}) with every operation's
// pointer taken relative to `base`. Atomic: on any error the input is returned unchanged
// (the caller simply keeps its old document). Errors: kInvalidArgument for malformed
// operations, kNotFound for paths that must exist and do not, kFailedPrecondition when a
// `test` operation fails.
Result<rego::Value> apply_patch(const rego::Value& root, const DocPath& base,
                                const rego::Value& ops);

}  // namespace dts::policy::pdp
