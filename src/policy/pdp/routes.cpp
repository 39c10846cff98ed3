#include "policy/pdp/routes.hpp"

#include "common/json.hpp"
#include "policy/pdp/render.hpp"

namespace dts::policy::pdp {
namespace {

using boost::asio::awaitable;
using http::Request;
using http::Response;
using Clock = std::chrono::steady_clock;

constexpr const char* kMissingInputWarning = "'input' key missing from the request";

int64_t since_ns(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// Parses a JSON request document with the PDP's size bound.
std::variant<rego::Value, OpaError> parse_document(const Api& api, std::string_view text,
                                                   std::string_view what) {
  if (text.size() > api.max_input_bytes) {
    return bad_request("body contains malformed " + std::string(what) + ": larger than " +
                       std::to_string(api.max_input_bytes) + " bytes");
  }
  auto v = rego::Value::from_json(text);
  if (!v.ok()) {
    return bad_request("body contains malformed " + std::string(what) + ": " + v.error().message());
  }
  return std::move(*v);
}

struct EvalRun {
  std::optional<rego::Value> result;
  std::optional<OpaError> error;
  int64_t compile_ns = 0;
  int64_t eval_ns = 0;
};

EvalRun evaluate(const Api& api, const Request& req, const DocPath& path,
                 const std::optional<rego::Value>& input) {
  EvalRun run;
  auto snapshot = api.store.snapshot();  // held for the whole evaluation
  auto start = Clock::now();
  auto prepared = snapshot->query(path);
  run.compile_ns = since_ns(start);
  if (auto* e = std::get_if<OpaError>(&prepared)) {
    run.error = std::move(*e);
    return run;
  }
  const auto& query = std::get<std::shared_ptr<const rego::PreparedQuery>>(prepared);
  rego::EvalOptions options = query->default_options();
  auto deadline = Clock::now() + api.eval_timeout;
  if (req.deadline != Clock::time_point{} && req.deadline < deadline) {
    deadline = req.deadline;
  }
  options.deadline = deadline;
  // OPA's ?strict-builtin-errors: a failing builtin fails the query instead of being
  // undefined (useful while debugging a policy).
  if (flag_param(req, "strict-builtin-errors")) {
    options.strict_builtin_errors = true;
  }
  auto eval_start = Clock::now();
  auto outcome = query->eval(input, options);
  run.eval_ns = since_ns(eval_start);
  if (!outcome.ok()) {
    run.error = eval_error(*outcome.error);
  } else {
    run.result = outcome.first_value();
  }
  return run;
}

// Counts, times and logs one decision.
std::string record(const Api& api, const Request& req, const DocPath& path,
                   const std::optional<rego::Value>& input, const EvalRun& run) {
  double seconds = static_cast<double>(run.compile_ns + run.eval_ns) / 1e9;
  api.eval_seconds.observe(seconds);
  if (run.error) {
    api.decisions_failed.inc();
  } else if (run.result) {
    api.decisions_defined.inc();
  } else {
    api.decisions_undefined.inc();
  }
  if (!api.decisions.enabled() || run.error) {
    return {};
  }
  Decision d;
  d.decision_id = ids::new_uuid_v4();
  d.path = join_doc_path(path).substr(1);
  d.input = &input;
  d.result = &run.result;
  d.duration_ms = seconds * 1000.0;
  d.request_id = req.request_id;
  api.decisions.log(d);
  return d.decision_id;
}

Response query_data(const Api& api, const Request& req) {
  auto handler_start = Clock::now();
  DocPath path = split_doc_path(req.param("path"));
  bool pretty = flag_param(req, "pretty");
  std::optional<rego::Value> input;
  std::optional<boost::json::object> warning;
  auto parse_start = Clock::now();
  if (req.method == "POST") {
    std::string_view body = trim(req.body);
    if (body.empty()) {
      warning =
          boost::json::object{{"code", "api_usage_warning"}, {"message", kMissingInputWarning}};
    } else {
      auto doc = parse_document(api, body, "input document");
      if (auto* e = std::get_if<OpaError>(&doc)) {
        return e->render();
      }
      const auto& v = std::get<rego::Value>(doc);
      if (!v.is_object()) {
        return bad_request("body contains malformed input document: must be an object").render();
      }
      if (const rego::Value* in = v.find(rego::Value::string("input"))) {
        input = *in;
      } else {
        warning =
            boost::json::object{{"code", "api_usage_warning"}, {"message", kMissingInputWarning}};
      }
    }
  } else if (auto text = req.query_param("input")) {
    auto doc = parse_document(api, *text, "input document");
    if (auto* e = std::get_if<OpaError>(&doc)) {
      return e->render();
    }
    input = std::get<rego::Value>(std::move(doc));
  }
  int64_t parse_ns = since_ns(parse_start);
  EvalRun run = evaluate(api, req, path, input);
  std::string decision_id = record(api, req, path, input, run);
  if (run.error) {
    return run.error->render();
  }
  DataResponse out;
  out.result = std::move(run.result);
  out.decision_id = std::move(decision_id);
  out.warning = std::move(warning);
  if (flag_param(req, "metrics")) {
    out.metrics = {{"timer_rego_input_parse_ns", parse_ns},
                   {"timer_rego_query_compile_ns", run.compile_ns},
                   {"timer_rego_query_eval_ns", run.eval_ns},
                   {"timer_server_handler_ns", since_ns(handler_start)}};
  }
  return json_response(render_data_body(out), pretty);
}

// POST /: the default decision, with the whole body as input and the bare value as reply.
Response default_decision(const Api& api, const Request& req) {
  DocPath path = split_doc_path(api.default_decision);
  std::optional<rego::Value> input;
  std::string_view body = trim(req.body);
  if (!body.empty()) {
    auto doc = parse_document(api, body, "input document");
    if (auto* e = std::get_if<OpaError>(&doc)) {
      return e->render();
    }
    input = std::get<rego::Value>(std::move(doc));
  }
  EvalRun run = evaluate(api, req, path, input);
  record(api, req, path, input, run);
  if (run.error) {
    return run.error->render();
  }
  if (!run.result) {
    OpaError e{404, kUndefinedDocument, join_doc_path(path) + " decision was undefined", {}};
    return e.render();
  }
  return json_response(run.result->to_json(), flag_param(req, "pretty"));
}

Response write_data(const Api& api, const Request& req) {
  DocPath path = split_doc_path(req.param("path"));
  std::optional<OpaError> error;
  if (req.method == "DELETE") {
    error = api.store.delete_data(path);
  } else {
    auto doc = parse_document(api, trim(req.body), "document");
    if (auto* e = std::get_if<OpaError>(&doc)) {
      return e->render();
    }
    auto& value = std::get<rego::Value>(doc);
    if (req.method == "PATCH") {
      error = api.store.patch_data(path, value);
    } else {
      // If-None-Match: * makes the PUT a create-only write, as in OPA.
      if (req.header("If-None-Match") == "*" &&
          find_at(api.store.snapshot()->data(), path) != nullptr) {
        return Response::empty(304);
      }
      error = api.store.put_data(path, std::move(value));
    }
  }
  if (error) {
    return error->render();
  }
  return Response::empty(204);
}

boost::json::object render_policy(const std::string& id, const std::string& raw) {
  // The AST is optional for OPA clients; the raw source is what management tools use.
  return {{"id", id}, {"raw", raw}};
}

Response list_policies(const Api& api, const Request& req) {
  auto snapshot = api.store.snapshot();
  boost::json::array list;
  for (const Modules* layer : {&snapshot->bundle_modules(), &snapshot->api_modules()}) {
    for (const auto& [id, raw] : *layer) {
      list.push_back(render_policy(id, raw));
    }
  }
  boost::json::object body{{"result", std::move(list)}};
  return json_response(json::to_string(body), flag_param(req, "pretty"));
}

Response get_policy(const Api& api, const Request& req) {
  std::string id(req.param("id"));
  auto snapshot = api.store.snapshot();
  const std::string* raw = snapshot->module(id);
  if (raw == nullptr) {
    return not_found_error("storage_not_found_error: policy id \"" + id + "\"").render();
  }
  boost::json::object body{{"result", render_policy(id, *raw)}};
  return json_response(json::to_string(body), flag_param(req, "pretty"));
}

Response put_policy(const Api& api, const Request& req) {
  std::string id(req.param("id"));
  if (auto error = api.store.put_policy(id, req.body)) {
    return error->render();
  }
  return json_response("{}", false);
}

Response delete_policy(const Api& api, const Request& req) {
  std::string id(req.param("id"));
  if (auto error = api.store.delete_policy(id)) {
    return error->render();
  }
  return json_response("{}", false);
}

// OPA's health: 200 {} when serving; with ?bundles, 500 unless the bundle is active and its
// newest version activated (a refused reload is reported here, with the reason).
Response health(const Api& api, const Request& req) {
  if (req.query_param("bundles") && api.bundle != nullptr) {
    BundleStatus s = api.bundle->status();
    if (!s.active || !s.last_error.empty()) {
      std::string msg = s.active ? "bundle reload failed; previous version active"
                                 : "not all configured bundles have been activated";
      boost::json::object body{{"error", msg}, {"bundle_error", s.last_error}};
      if (s.active) {
        body["active_revision"] = s.active_revision;
      }
      return json_response(json::to_string(body), false, 500);
    }
  }
  return json_response("{}", false);
}

using SyncHandler = Response (*)(const Api&, const Request&);

http::Handler wrap(Api& api, SyncHandler fn) {
  return [&api, fn](Request& req) -> awaitable<Result<Response>> { co_return fn(api, req); };
}

}  // namespace

Api::Api(Store& s, const BundleWatcher* b, const DecisionLogger& d, metrics::Registry& m,
         size_t max_input, std::chrono::milliseconds timeout, std::string decision)
    : store(s),
      bundle(b),
      decisions(d),
      max_input_bytes(max_input),
      eval_timeout(timeout),
      default_decision(std::move(decision)),
      decisions_defined(m.counter("policy_decisions_total", "Policy decisions by outcome",
                                  {{"outcome", "defined"}})),
      decisions_undefined(m.counter("policy_decisions_total", "Policy decisions by outcome",
                                    {{"outcome", "undefined"}})),
      decisions_failed(m.counter("policy_decisions_total", "Policy decisions by outcome",
                                 {{"outcome", "error"}})),
      eval_seconds(m.histogram("policy_eval_duration_seconds",
                               "Query preparation and evaluation time per decision")) {}

void add_routes(http::Router& router, Api& api) {
  for (const char* pattern : {"/v1/data", "/v1/data/{path...}"}) {
    router.add("GET", pattern, wrap(api, query_data));
    router.add("POST", pattern, wrap(api, query_data));
    router.add("PUT", pattern, wrap(api, write_data));
    router.add("PATCH", pattern, wrap(api, write_data));
    router.add("DELETE", pattern, wrap(api, write_data));
  }
  router.add("GET", "/v1/policies", wrap(api, list_policies));
  router.add("GET", "/v1/policies/{id...}", wrap(api, get_policy));
  router.add("PUT", "/v1/policies/{id...}", wrap(api, put_policy));
  router.add("DELETE", "/v1/policies/{id...}", wrap(api, delete_policy));
  router.add("POST", "/", wrap(api, default_decision));
  router.add("GET", "/health", wrap(api, health));
}

}  // namespace dts::policy::pdp
