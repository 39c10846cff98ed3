#pragma once
// Runs YAML conformance case files (format: ../shared/rego-cases/README.md) against the
// engine and reports pass/fail/skip per case.
//
// Judging: `want_result` compares values (numbers numerically, sets as sorted arrays);
// rego-cpp style lists of bindings compare result by result (`sort_bindings` ignores order).
// `want_error_code`/`want_error` need the same OPA code and the message to contain the text.
// regorus `error` texts are regorus's own wording, so those cases pass when evaluation fails
// and the report notes when the wording differs. Strictness: `strict`/`strict_error` decide;
// regorus cases default to strict (its runner's default), others to non-strict.

#include <filesystem>
#include <string>
#include <vector>

namespace dts::rego {

enum class CaseStatus { kPass, kFail, kSkip };

struct CaseResult {
  std::string file;
  std::string note;
  CaseStatus status = CaseStatus::kFail;
  std::string reason;  // why it failed or was skipped (or a note for passes)
};

struct ConformanceReport {
  std::vector<CaseResult> cases;
  int passed = 0;
  int failed = 0;
  int skipped = 0;
  std::vector<std::string> load_errors;  // files that could not be read/parsed
};

// Runs every *.yaml under each path (files or directories, recursively, sorted).
ConformanceReport run_conformance(const std::vector<std::filesystem::path>& paths);

// Per-file summary plus one line per failing case.
std::string format_report(const ConformanceReport& report);

}  // namespace dts::rego
