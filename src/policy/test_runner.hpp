#pragma once
// `dts policy test`: runs the test_* rules of *_test.rego modules, like `opa test`.

#include <filesystem>
#include <string>
#include <vector>

#include "rego/error.hpp"

namespace dts::policy {

struct TestCase {
  std::string name;      // data.pkg.test_x
  std::string location;  // file:line:col of the first clause
  bool passed = false;
  std::string detail;  // why it failed (undefined, false, or the error)
};

struct TestReport {
  std::vector<TestCase> tests;
  rego::RegoErrors errors;  // load/compile errors: nothing ran
  std::vector<std::string> load_errors;
  int passed() const;
  int failed() const;
};

TestReport run_tests(const std::vector<std::filesystem::path>& paths);

}  // namespace dts::policy
