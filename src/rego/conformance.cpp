#include "rego/conformance.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>

#include "rego/engine.hpp"
#include "rego/yaml_value.hpp"

namespace dts::rego {
namespace {

namespace fs = std::filesystem;

// Sets become sorted arrays, the way the expected values are written in YAML.
Value canonical(const Value& v) {
  auto r = Value::from_json(v.to_json());
  return r.ok() ? *r : v;
}

std::string show(const Value& v) {
  std::string s = v.to_json();
  if (s.size() > 300) s = s.substr(0, 300) + "...";
  return s;
}

// regorus writes values JSON cannot express with markers: {"set!": [...]} is a set and
// {"object!": [{"key": k, "value": v}]} an object with non-string keys.
Value decode_markers(const Value& v, bool& had_marker) {
  if (v.is_array()) {
    Array out;
    for (const auto& e : v.as_array()) out.push_back(decode_markers(e, had_marker));
    return Value::array(std::move(out));
  }
  if (!v.is_object()) return v;
  const auto& obj = v.as_object();
  if (obj.size() == 1) {
    const auto& [key, inner] = *obj.begin();
    if (key == Value::string("set!") && inner.is_array()) {
      had_marker = true;
      Set out;
      for (const auto& e : inner.as_array()) out.insert(decode_markers(e, had_marker));
      return Value::set(std::move(out));
    }
    if (key == Value::string("object!") && inner.is_array()) {
      had_marker = true;
      Object out;
      for (const auto& e : inner.as_array()) {
        const Value* k = e.find(Value::string("key"));
        const Value* val = e.find(Value::string("value"));
        if (k != nullptr && val != nullptr) {
          out.insert_or_assign(decode_markers(*k, had_marker), decode_markers(*val, had_marker));
        }
      }
      return Value::object(std::move(out));
    }
  }
  Object out;
  for (const auto& [k, val] : obj) out.insert_or_assign(k, decode_markers(val, had_marker));
  return Value::object(std::move(out));
}

bool same_value(const Value& got, const Value& want_raw) {
  bool had_marker = false;
  Value want = decode_markers(want_raw, had_marker);
  if (got == want) return true;
  return !had_marker && canonical(got) == want;
}

std::optional<Value> yaml_value(const YAML::Node& n) {
  auto r = value_from_yaml_node(n);
  if (!r.ok()) return std::nullopt;
  return *r;
}

struct CaseRun {
  std::vector<QueryResult> results;
  std::optional<RegoError> error;
  std::vector<std::string> prints;
};

CaseRun run_case(const YAML::Node& c, bool strict) {
  CaseRun run;
  EngineOptions opts;
  opts.eval.strict_builtin_errors = strict;
  opts.eval.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  auto* prints = &run.prints;
  opts.eval.print = [prints](const Location&, const std::string& line) { prints->push_back(line); };
  Engine engine(opts);
  if (c["modules"]) {
    int i = 0;
    for (const auto& m : c["modules"]) {
      auto errs = engine.add_module("rego_" + std::to_string(i++), m.as<std::string>());
      if (!errs.empty()) {
        run.error = errs[0];
        return run;
      }
    }
  }
  if (c["data"] && !c["data"].IsNull()) {
    auto d = yaml_value(c["data"]);
    if (d && d->is_object()) (void)engine.add_data(*d);
  }
  std::optional<Value> input;
  if (c["input"]) input = yaml_value(c["input"]);
  RegoErrors errors;
  auto q = engine.prepare(c["query"].as<std::string>(), errors);
  if (!q) {
    run.error = errors.empty() ? RegoError{kCompileError, "prepare failed", {}} : errors[0];
    return run;
  }
  auto outcome = q->eval(input);
  run.results = std::move(outcome.results);
  run.error = std::move(outcome.error);
  return run;
}

bool bindings_match(const std::vector<QueryResult>& results, const Value& want, bool sorted) {
  if (!want.is_array()) return false;
  Array got;
  for (const auto& r : results) got.push_back(canonical(Value::object(r.bindings)));
  Array exp = want.as_array();
  if (sorted) {
    std::sort(got.begin(), got.end());
    std::sort(exp.begin(), exp.end());
  }
  if (Value::array(got) == Value::array(exp)) return true;
  // One result whose bindings are listed one per entry.
  if (got.size() == 1 && exp.size() > 1) {
    Object merged;
    for (const auto& e : exp) {
      if (!e.is_object()) return false;
      for (const auto& [k, v] : e.as_object()) merged.insert_or_assign(k, v);
    }
    return Value::object(std::move(merged)) == got[0];
  }
  return false;
}

CaseResult judge(const std::string& file, const YAML::Node& c, bool regorus) {
  CaseResult res;
  res.file = file;
  res.note = c["note"] ? c["note"].as<std::string>() : "(unnamed)";
  if (c["skip"] && c["skip"].as<bool>(false)) {
    res.status = CaseStatus::kSkip;
    res.reason = "skipped by the source suite";
    return res;
  }
  bool strict = regorus;
  if (c["strict"]) strict = c["strict"].as<bool>(strict);
  if (c["strict_error"]) strict = c["strict_error"].as<bool>(strict);
  CaseRun run = run_case(c, strict);
  auto fail = [&](std::string why) {
    res.status = CaseStatus::kFail;
    res.reason = std::move(why);
    return res;
  };
  res.status = CaseStatus::kPass;
  bool wants_error = c["error"] || c["want_error"] || c["want_error_code"];
  if (wants_error) {
    if (!run.error)
      return fail("expected an error, got " + std::to_string(run.results.size()) + " result(s)");
    if (c["want_error_code"] && run.error->code != c["want_error_code"].as<std::string>()) {
      return fail("expected " + c["want_error_code"].as<std::string>() + ", got " +
                  run.error->to_string());
    }
    if (c["want_error"] &&
        run.error->message.find(c["want_error"].as<std::string>()) == std::string::npos) {
      return fail("error message differs: " + run.error->to_string());
    }
    if (c["error"] && run.error->message.find(c["error"].as<std::string>()) == std::string::npos) {
      res.reason = "wording differs: " + run.error->to_string();
    }
    return res;
  }
  if (run.error) return fail("unexpected error: " + run.error->to_string());
  if (c["want_output"]) {
    std::string out;
    for (const auto& p : run.prints) out += p + "\n";
    std::string want = c["want_output"].as<std::string>();
    while (!out.empty() && out.back() == '\n') out.pop_back();
    while (!want.empty() && want.back() == '\n') want.pop_back();
    if (out != want) return fail("print output differs: got '" + out + "'");
  }
  if (c["no_result"] && c["no_result"].as<bool>(false)) {
    if (!run.results.empty())
      return fail("expected no result, got " +
                  show(canonical(Value::object(run.results[0].bindings))));
    return res;
  }
  if (c["want_defined"]) {
    bool want = c["want_defined"].as<bool>();
    if (want != !run.results.empty()) return fail("definedness differs");
    return res;
  }
  if (!c["want_result"]) return res;
  auto want = yaml_value(c["want_result"]);
  if (!want) return fail("unreadable want_result");
  if (!regorus) {
    if (!bindings_match(run.results, *want,
                        c["sort_bindings"] && c["sort_bindings"].as<bool>(false))) {
      Array got;
      for (const auto& r : run.results) got.push_back(canonical(Value::object(r.bindings)));
      return fail("result differs: got " + show(Value::array(got)) + " want " + show(*want));
    }
    return res;
  }
  auto result_value = [](const QueryResult& r) {
    return !r.bindings.empty()     ? Value::object(r.bindings)
           : r.expressions.empty() ? Value::boolean(true)
                                   : r.expressions.back();
  };
  const Value* many =
      want->is_object() && want->size() == 1 ? want->find(Value::string("many!")) : nullptr;
  if (many != nullptr && many->is_array()) {
    const auto& wants = many->as_array();
    if (wants.size() != run.results.size()) {
      return fail("expected " + std::to_string(wants.size()) + " results, got " +
                  std::to_string(run.results.size()));
    }
    for (size_t i = 0; i < wants.size(); ++i) {
      if (!same_value(result_value(run.results[i]), wants[i])) {
        return fail("result " + std::to_string(i) + " differs: got " +
                    show(result_value(run.results[i])));
      }
    }
    return res;
  }
  if (run.results.empty()) return fail("undefined result, want " + show(*want));
  Value got = result_value(run.results[0]);
  if (!same_value(got, *want))
    return fail("result differs: got " + show(got) + " want " + show(*want));
  return res;
}

void run_file(const fs::path& path, ConformanceReport& report) {
  YAML::Node doc;
  try {
    doc = YAML::LoadFile(path.string());
  } catch (const YAML::Exception& e) {
    report.load_errors.push_back(path.string() + ": " + e.what());
    return;
  }
  bool regorus = path.string().find("regorus") != std::string::npos;
  for (const auto& c : doc["cases"]) {
    CaseResult r;
    try {
      r = judge(path.string(), c, regorus);
    } catch (const YAML::Exception& e) {
      r.file = path.string();
      r.status = CaseStatus::kFail;
      r.reason = std::string("malformed case: ") + e.what();
    }
    switch (r.status) {
      case CaseStatus::kPass:
        ++report.passed;
        break;
      case CaseStatus::kFail:
        ++report.failed;
        break;
      case CaseStatus::kSkip:
        ++report.skipped;
        break;
    }
    report.cases.push_back(std::move(r));
  }
}

}  // namespace

ConformanceReport run_conformance(const std::vector<fs::path>& paths) {
  ConformanceReport report;
  std::vector<fs::path> files;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      for (const auto& e : fs::recursive_directory_iterator(p, ec)) {
        if (e.is_regular_file() && e.path().extension() == ".yaml") files.push_back(e.path());
      }
    } else if (fs::exists(p, ec)) {
      files.push_back(p);
    } else {
      report.load_errors.push_back(p.string() + ": not found");
    }
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) run_file(f, report);
  return report;
}

std::string format_report(const ConformanceReport& report) {
  std::map<std::string, std::array<int, 3>> per_file;
  for (const auto& c : report.cases) per_file[c.file][static_cast<int>(c.status)]++;
  std::string out = "# Rego conformance report\n";
  for (const auto& [file, counts] : per_file) {
    out += file + ": " + std::to_string(counts[0]) + " passed, " + std::to_string(counts[1]) +
           " failed, " + std::to_string(counts[2]) + " skipped\n";
  }
  out += "\n# Failures\n";
  for (const auto& c : report.cases) {
    if (c.status == CaseStatus::kFail) out += c.file + ": " + c.note + ": " + c.reason + "\n";
  }
  out += "\n# Passing with different error wording (regorus `error` cases)\n";
  for (const auto& c : report.cases) {
    if (c.status == CaseStatus::kPass && !c.reason.empty()) {
      out += c.file + ": " + c.note + ": " + c.reason + "\n";
    }
  }
  for (const auto& e : report.load_errors) out += "load error: " + e + "\n";
  out += std::to_string(report.passed) + " passed, " + std::to_string(report.failed) + " failed, " +
         std::to_string(report.skipped) + " skipped\n";
  return out;
}

}  // namespace dts::rego
