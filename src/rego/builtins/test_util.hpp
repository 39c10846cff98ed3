#pragma once
// Test helpers for builtin families: a fixed BuiltinContext and a call shorthand.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "rego/builtins/registry.hpp"

namespace dts::rego::testing {

class TestContext : public BuiltinContext {
 public:
  int64_t now = 1700000000123456789;  // 2023-11-14T22:13:20.123456789Z
  std::vector<std::string> lines;
  std::map<std::string, Value> cache;
  int64_t now_ns() const override { return now; }
  bool strict() const override { return true; }
  void print(std::string_view line) override { lines.emplace_back(line); }
  bool cancelled() const override { return false; }
  std::optional<Value> cache_get(const std::string& key) const override {
    auto it = cache.find(key);
    if (it == cache.end()) {
      return std::nullopt;
    }
    return it->second;
  }
  void cache_put(const std::string& key, Value value) override { cache[key] = std::move(value); }
};

inline Value J(std::string_view text) {
  auto r = Value::from_json(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? *r : Value();
}

inline Value S(std::string s) { return Value::string(std::move(s)); }

inline Result<Value> call(std::string_view name, std::vector<Value> args) {
  static TestContext ctx;
  const Builtin* b = Registry::defaults().find(name);
  if (b == nullptr) {
    return internal_error("no builtin " + std::string(name));
  }
  return b->fn(args, ctx);
}

inline Result<Value> call_ctx(TestContext& ctx, std::string_view name, std::vector<Value> args) {
  const Builtin* b = Registry::defaults().find(name);
  if (b == nullptr) {
    return internal_error("no builtin " + std::string(name));
  }
  return b->fn(args, ctx);
}

// The JSON text of a successful call, or "ERR(<kind>): message".
inline std::string run(std::string_view name, std::vector<Value> args) {
  auto r = call(name, std::move(args));
  if (!r.ok()) {
    auto k = classify(r.error());
    const char* kind = k == BuiltinErrorKind::kTypeError      ? "type"
                       : k == BuiltinErrorKind::kBuiltinError ? "builtin"
                       : k == BuiltinErrorKind::kUndefined    ? "undefined"
                                                              : "other";
    return std::string("ERR(") + kind + "): " + r.error().message();
  }
  return r->to_json();
}

}  // namespace dts::rego::testing
