#include "policy/cli.hpp"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "policy/loader.hpp"
#include "policy/test_runner.hpp"
#include "policy/pdp/serve_cli.hpp"
#include "rego/conformance.hpp"
#include "rego/engine.hpp"

namespace dts::policy {
namespace {

namespace fs = std::filesystem;
using rego::Value;

// ctest's SKIP_RETURN_CODE for the conformance test when the shared cases are absent.
constexpr int kSkipExitCode = 77;

Value error_json(const rego::RegoError& e) {
  rego::Object loc;
  if (e.location.file) loc.emplace(Value::string("file"), Value::string(*e.location.file));
  loc.emplace(Value::string("row"), Value::number(e.location.line));
  loc.emplace(Value::string("col"), Value::number(e.location.col));
  rego::Object obj;
  obj.emplace(Value::string("code"), Value::string(e.code));
  obj.emplace(Value::string("message"), Value::string(e.message));
  obj.emplace(Value::string("location"), Value::object(std::move(loc)));
  return Value::object(std::move(obj));
}

void print_errors_json(const rego::RegoErrors& errors) {
  rego::Array arr;
  for (const auto& e : errors) arr.push_back(error_json(e));
  rego::Object out;
  out.emplace(Value::string("errors"), Value::array(std::move(arr)));
  std::cout << Value::object(std::move(out)).to_json(true) << "\n";
}

struct EvalArgs {
  std::vector<std::string> data;
  std::string input;
  std::string query;
  bool strict = false;
};

int run_eval(const EvalArgs& args) {
  rego::EngineOptions opts;
  opts.eval.strict_builtin_errors = args.strict;
  opts.eval.print = [](const rego::Location& loc, const std::string& line) {
    std::cerr << loc.to_string() << ": " << line << "\n";
  };
  rego::Engine engine(opts);
  std::vector<fs::path> paths(args.data.begin(), args.data.end());
  auto loaded = load_paths(paths, engine);
  for (const auto& e : loaded.data_errors) std::cerr << e << "\n";
  if (!loaded.errors.empty()) {
    print_errors_json(loaded.errors);
    return 1;
  }
  if (!loaded.data_errors.empty()) return 1;
  std::optional<Value> input;
  if (!args.input.empty()) {
    auto v = read_value_file(args.input);
    if (!v.ok()) {
      std::cerr << "input: " << v.error().message() << "\n";
      return 1;
    }
    input = *v;
  }
  rego::RegoErrors errors;
  auto q = engine.prepare(args.query, errors);
  if (!q) {
    print_errors_json(errors);
    return 1;
  }
  auto out = q->eval(input);
  if (!out.ok()) {
    print_errors_json({*out.error});
    return 1;
  }
  rego::Array results;
  for (const auto& r : out.results) {
    rego::Array exprs;
    for (const auto& v : r.expressions) {
      rego::Object e;
      e.emplace(Value::string("value"), v);
      e.emplace(Value::string("text"), Value::string(args.query));
      exprs.push_back(Value::object(std::move(e)));
    }
    rego::Object res;
    res.emplace(Value::string("expressions"), Value::array(std::move(exprs)));
    if (!r.bindings.empty()) res.emplace(Value::string("bindings"), Value::object(r.bindings));
    results.push_back(Value::object(std::move(res)));
  }
  rego::Object doc;
  if (!results.empty()) doc.emplace(Value::string("result"), Value::array(std::move(results)));
  std::cout << Value::object(std::move(doc)).to_json(true) << "\n";
  return 0;
}

int run_test(const std::vector<std::string>& dirs) {
  std::vector<fs::path> paths(dirs.begin(), dirs.end());
  auto report = run_tests(paths);
  for (const auto& e : report.load_errors) std::cout << e << "\n";
  for (const auto& e : report.errors) std::cout << e.to_string() << "\n";
  if (!report.errors.empty() || !report.load_errors.empty()) return 2;
  for (const auto& t : report.tests) {
    if (!t.passed)
      std::cout << "FAIL " << t.name << " (" << t.location << "): " << t.detail << "\n";
  }
  std::cout << report.passed() << " passed, " << report.failed() << " failed\n";
  return report.failed() == 0 ? 0 : 1;
}

int run_check(const std::vector<std::string>& dirs) {
  rego::Engine engine;
  std::vector<fs::path> paths(dirs.begin(), dirs.end());
  auto loaded = load_paths(paths, engine);
  for (const auto& e : loaded.data_errors) std::cout << e << "\n";
  rego::RegoErrors errors = loaded.errors;
  if (errors.empty()) errors = engine.compile();
  for (const auto& e : errors) std::cout << e.to_string() << "\n";
  if (errors.empty() && loaded.data_errors.empty()) {
    std::cout << loaded.module_files.size() << " modules OK\n";
    return 0;
  }
  return 1;
}

struct ConformanceArgs {
  std::vector<std::string> paths;
  std::string report;
  int min_pass = -1;
};

int run_conformance_cmd(const ConformanceArgs& args) {
  std::vector<fs::path> paths;
  for (const auto& p : args.paths) {
    std::error_code ec;
    if (fs::exists(p, ec)) paths.emplace_back(p);
  }
  if (paths.empty()) {
    std::cout << "conformance cases not found (" << (args.paths.empty() ? "" : args.paths[0])
              << "): skipped\n";
    return kSkipExitCode;
  }
  auto report = rego::run_conformance(paths);
  for (const auto& c : report.cases) {
    if (c.status == rego::CaseStatus::kFail) {
      std::cout << "FAIL " << c.file << ": " << c.note << ": " << c.reason << "\n";
    }
  }
  for (const auto& e : report.load_errors) std::cout << "load error: " << e << "\n";
  if (!args.report.empty()) {
    std::ofstream out(args.report);
    out << rego::format_report(report);
  }
  std::cout << report.passed << " passed, " << report.failed << " failed, " << report.skipped
            << " skipped\n";
  if (args.min_pass >= 0 && report.passed < args.min_pass) {
    std::cout << "fewer than the recorded baseline of " << args.min_pass << " cases pass\n";
    return 1;
  }
  return 0;
}

void exit_with(int rc) {
  std::cout.flush();
  if (rc != 0) std::exit(rc);
}

}  // namespace

void register_cli(CLI::App& root) {
  auto* policy = root.add_subcommand("policy", "Rego policies: eval, test, check, conformance");
  policy->require_subcommand(1);
  pdp::register_serve(*policy);

  auto eval_args = std::make_shared<EvalArgs>();
  auto* eval = policy->add_subcommand("eval", "Evaluate a Rego query (output like `opa eval`)");
  eval->add_option("-d,--data", eval_args->data, "Policy/data file or directory (repeatable)");
  eval->add_option("-i,--input", eval_args->input, "Input document (JSON or YAML)");
  eval->add_flag("--strict-builtin-errors", eval_args->strict, "Builtin errors abort evaluation");
  eval->add_option("query", eval_args->query, "The query, e.g. data.authz.allow")->required();
  eval->callback([eval_args] { exit_with(run_eval(*eval_args)); });

  auto test_dirs = std::make_shared<std::vector<std::string>>();
  auto* test = policy->add_subcommand("test", "Run test_* rules in *_test.rego files");
  test->add_option("paths", *test_dirs, "Policy directories or files")->required();
  test->callback([test_dirs] { exit_with(run_test(*test_dirs)); });

  auto check_dirs = std::make_shared<std::vector<std::string>>();
  auto* check = policy->add_subcommand("check", "Parse and compile policies; print every error");
  check->add_option("paths", *check_dirs, "Policy directories or files")->required();
  check->callback([check_dirs] { exit_with(run_check(*check_dirs)); });

  auto conf_args = std::make_shared<ConformanceArgs>();
  auto* conf = policy->add_subcommand("conformance", "Run YAML Rego conformance cases");
  conf->add_option("paths", conf_args->paths, "Case files or directories")->required();
  conf->add_option("--report", conf_args->report, "Write a per-file report to this file");
  conf->add_option("--min-pass", conf_args->min_pass, "Fail when fewer cases pass");
  conf->callback([conf_args] { exit_with(run_conformance_cmd(*conf_args)); });

  // TODO(lead): `policy serve` (the HTTP PDP, OPA REST API) is registered here by its owner;
  // it should reuse load_paths() and rego::Engine::prepare() from this module.
}

}  // namespace dts::policy
