// libFuzzer target (built only with -DDTS_FUZZ=ON and clang): a Rego module is untrusted
// input (policy bundles are uploaded over the OPA REST API), so parsing, compiling and
// evaluating any byte string must end in a value or an error — never a crash, leak or hang.
//
//   cmake -S . -B build-fuzz -G Ninja -DDTS_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-14
//   ninja -C build-fuzz dts_rego_parser_fuzz
//   ./build-fuzz/src/rego/dts_rego_parser_fuzz -max_total_time=60 src/rego/fuzz_corpus

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rego/engine.hpp"

namespace {

const dts::rego::Value& fuzz_input() {
  // Small but with every shape the seed policies look at, so evaluation reaches real paths.
  static const dts::rego::Value input =
      dts::rego::Value::from_json(
          R"({"user":"alice","method":"GET","path":"/api/r1","roles":["admin","dev"],)"
          R"("claims":{"tenant":"t1","groups":["g1"],"exp":2000000000,"nbf":0}})")
          .value();
  return input;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dts::rego;
  std::string_view source(reinterpret_cast<const char*>(data), size);
  Engine engine;
  if (!engine.add_module("fuzz.rego", source).empty()) {
    return 0;
  }
  (void)engine.add_data(Value::from_json(R"({"roles":{"admin":["read"]}})").value());
  RegoErrors errors;
  auto prepared = engine.prepare("data", errors);
  if (prepared == nullptr) {
    return 0;
  }
  // A deadline rather than a step limit: generated policies may loop over large ranges
  // (numbers.range) and the fuzzer must keep its throughput; a timeout is a clean error.
  EvalOptions options = prepared->default_options();
  options.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(50);
  options.max_collection_size = 100'000;
  (void)prepared->eval(fuzz_input(), options);
  return 0;
}
