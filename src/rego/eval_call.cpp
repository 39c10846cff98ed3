// Calls: builtins (with strict/non-strict error handling), user functions, `with` mocks,
// print() and walk().
#include "detail/evaluator.hpp"

namespace dts::rego {

bool Evaluator::finish_call(const Term& t, const Value& result, Frame& f, const VCont& k) {
  if (t.has_output) {
    return unify(*t.items.back(), result, f, [&] { return k(Value::boolean(true)); });
  }
  return k(result);
}

namespace {

// Operands of a call: inline for the usual few, on the heap beyond that.
constexpr size_t kInlineArgs = 4;

}  // namespace

bool Evaluator::eval_args(const std::vector<TermPtr>& items, size_t i, size_t end, Value* out,
                          Frame& f, const Cont& k) {
  // Ground operands need no continuation; they are the common case (`x == input.y`).
  for (; i < end; ++i) {
    const Value* v = nullptr;
    Lookup l = lookup(*items[i], f, v);
    if (l == Lookup::kUndefined) return true;
    if (l == Lookup::kComplex) break;
    out[i] = *v;
  }
  if (i == end) return k();
  return eval_term(*items[i], f, [&](const Value& v) {
    out[i] = v;
    return eval_args(items, i + 1, end, out, f, k);
  });
}

bool Evaluator::eval_call(const Term& t, Frame& f, const VCont& k) {
  if (t.op == TermOp::kPrint) return eval_print(t, f, k);
  size_t nin = t.has_output ? t.items.size() - 1 : t.items.size();
  // Comparisons are the bulk of policy bodies: evaluated here, not through the registry,
  // unless a `with` replaces them.
  if (is_comparison(t.op) && nin == 2 && mocks_.empty()) {
    const Value* a = nullptr;
    const Value* b = nullptr;
    Lookup la = lookup(*t.items[0], f, a);
    if (la == Lookup::kUndefined) return true;
    Lookup lb = la == Lookup::kFound ? lookup(*t.items[1], f, b) : Lookup::kComplex;
    if (lb == Lookup::kUndefined) return true;
    if (lb == Lookup::kFound) {
      return finish_call(t, Value::boolean(compare_op(t.op, *a, *b)), f, k);
    }
  }
  Value inline_args[kInlineArgs];
  std::vector<Value> heap_args;
  Value* out = inline_args;
  if (nin > kInlineArgs) {
    heap_args.resize(nin);
    out = heap_args.data();
  }
  // `out` stays alive and unchanged while the continuation runs (a builtin may hand its
  // operands to k, e.g. walk).
  return eval_args(t.items, 0, nin, out, f, [&] {
    std::span<const Value> args(out, nin);
    if (!mocks_.empty()) return call_mocked(t, args, f, k);
    if (is_comparison(t.op)) {
      return finish_call(t, Value::boolean(compare_op(t.op, args[0], args[1])), f, k);
    }
    if (t.user_call) return call_user(t, t.name, args, f, k);
    if (t.op == TermOp::kWalk) return eval_walk(t, args[0], f, k);
    return call_builtin(t, t.name, args, f, k);
  });
}

bool Evaluator::call_user(const Term& t, const std::string& name, std::span<const Value> args,
                          Frame& f, const VCont& k) {
  const RuleNode* node = policy_.function(name);
  std::optional<Value> v;
  if (node != nullptr) v = call_function(*node, args, t.loc);
  if (error_) return false;
  return v ? finish_call(t, *v, f, k) : true;
}

bool Evaluator::call_mocked(const Term& t, std::span<const Value> args, Frame& f,
                            const VCont& k) {
  std::string name = t.name;
  bool user = t.user_call;
  if (auto it = mocks_.find(t.name); it != mocks_.end()) {
    if (it->second.value) return finish_call(t, *it->second.value, f, k);
    name = it->second.function;
    user = it->second.user;
  }
  // Inside a replacement function the replaced name means the original again, so a mock
  // may delegate to it (`mock_count(x) := count(x)`).
  std::optional<Mock> suspended;
  if (name != t.name) {
    suspended = mocks_[t.name];
    mocks_.erase(t.name);
  }
  bool r;
  if (user) {
    const RuleNode* node = policy_.function(name);
    std::optional<Value> v;
    if (node != nullptr) v = call_function(*node, args, t.loc);
    if (suspended) mocks_[t.name] = *suspended;
    if (error_) return false;
    return v ? finish_call(t, *v, f, k) : true;
  }
  if (name == "walk") {
    r = eval_walk(t, args[0], f, k);
  } else {
    r = call_builtin(t, name, args, f, k);
  }
  if (suspended) mocks_[t.name] = *suspended;
  return r;
}

bool Evaluator::call_builtin(const Term& t, const std::string& name, std::span<const Value> args,
                             Frame& f, const VCont& k) {
  // The compiler resolved the call's own builtin; a `with` mock may name another one.
  const Builtin* b = t.builtin != nullptr && name == t.name ? t.builtin
                                                            : policy_.registry().find(name);
  if (b == nullptr) {
    return fail(kEvalTypeError, "undefined function " + name, t.loc);
  }
  std::string cache_key;
  if (b->decl.nondeterministic) {
    cache_key = name + Value::array(Array(args.begin(), args.end())).to_json();
    if (auto cached = cache_get(cache_key)) return finish_call(t, *cached, f, k);
  }
  auto r = b->fn(args, *this);
  if (!r.ok()) {
    switch (classify(r.error())) {
      case BuiltinErrorKind::kUndefined:
        return true;
      case BuiltinErrorKind::kCancelled:
        return fail(kEvalCancelError, "evaluation cancelled", t.loc);
      case BuiltinErrorKind::kTypeError:
        if (!options_.strict_builtin_errors) return true;
        return fail(kEvalTypeError, r.error().message(), t.loc);
      default:
        if (!options_.strict_builtin_errors) return true;
        return fail(kEvalBuiltinError, r.error().message(), t.loc);
    }
  }
  if (b->decl.nondeterministic) cache_put(cache_key, *r);
  return finish_call(t, *r, f, k);
}

bool Evaluator::eval_print(const Term& t, Frame& f, const VCont& k) {
  std::string line;
  for (size_t i = 0; i < t.items.size(); ++i) {
    std::vector<Value> vals;
    eval_term(*t.items[i], f, [&](const Value& v) {
      vals.push_back(v);
      return true;
    });
    if (error_) return false;
    if (i > 0) line.push_back(' ');
    if (vals.empty()) {
      line += "<undefined>";
      continue;
    }
    for (size_t j = 0; j < vals.size(); ++j) {
      if (j > 0) line.push_back(' ');
      line += vals[j].is_string() ? vals[j].as_string() : vals[j].to_string();
    }
  }
  if (options_.print) options_.print(t.loc, line);
  return k(Value::boolean(true));
}

bool Evaluator::eval_walk(const Term& t, const Value& root, Frame& f, const VCont& k) {
  Array path;
  std::function<bool(const Value&)> visit = [&](const Value& v) -> bool {
    if (!tick()) return false;
    Value pair = Value::array({Value::array(path), v});
    if (!finish_call(t, pair, f, k)) return false;
    switch (v.kind()) {
      case Kind::kArray:
        for (size_t i = 0; i < v.as_array().size(); ++i) {
          path.push_back(Value::number(static_cast<int64_t>(i)));
          bool r = visit(v.as_array()[i]);
          path.pop_back();
          if (!r) return false;
        }
        return true;
      case Kind::kObject:
        for (const auto& [key, val] : v.as_object()) {
          path.push_back(key);
          bool r = visit(val);
          path.pop_back();
          if (!r) return false;
        }
        return true;
      case Kind::kSet:
        for (const auto& e : v.as_set()) {
          path.push_back(e);
          bool r = visit(e);
          path.pop_back();
          if (!r) return false;
        }
        return true;
      default:
        return true;
    }
  };
  return visit(root);
}

}  // namespace dts::rego
