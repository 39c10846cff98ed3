#include "policy/test_runner.hpp"

#include <set>

#include "policy/loader.hpp"
#include "rego/engine.hpp"

namespace dts::policy {

int TestReport::passed() const {
  int n = 0;
  for (const auto& t : tests) n += t.passed ? 1 : 0;
  return n;
}

int TestReport::failed() const { return static_cast<int>(tests.size()) - passed(); }

TestReport run_tests(const std::vector<std::filesystem::path>& paths) {
  TestReport report;
  rego::Engine engine;
  auto loaded = load_paths(paths, engine);
  report.errors = loaded.errors;
  report.load_errors = loaded.data_errors;
  if (!loaded.ok()) return report;
  report.errors = engine.compile();
  if (!report.errors.empty()) return report;

  std::set<std::string> seen;
  for (const auto& m : engine.modules()) {
    if (m->file.size() < 10 || m->file.substr(m->file.size() - 10) != "_test.rego") continue;
    for (const auto& r : m->rules) {
      if (r->kind == rego::RuleKind::kFunction || r->path.size() != 1 || !r->path[0].is_string()) {
        continue;
      }
      const std::string& rule = r->path[0].as_string();
      if (rule.rfind("test_", 0) != 0) continue;
      std::string name = "data";
      for (const auto& p : m->package)
        name += "." + (p.is_string() ? p.as_string() : p.to_string());
      name += "." + rule;
      if (!seen.insert(name).second) continue;
      TestCase tc;
      tc.name = name;
      tc.location = r->loc.to_string();
      rego::RegoErrors errors;
      auto q = engine.prepare(name, errors);
      if (!q) {
        tc.detail = rego::format_errors(errors);
      } else {
        auto out = q->eval(std::nullopt);
        if (!out.ok()) {
          tc.detail = out.error->to_string();
        } else if (auto v = out.first_value(); !v) {
          tc.detail = "undefined";
        } else if (!v->is_true()) {
          tc.detail = "got " + v->to_json();
        } else {
          tc.passed = true;
        }
      }
      report.tests.push_back(std::move(tc));
    }
  }
  return report;
}

}  // namespace dts::policy
