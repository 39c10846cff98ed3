#include "rego/rule_index.hpp"

#include <algorithm>
#include <set>

#include "rego/compiler.hpp"

namespace dts::rego {
namespace {

// input.<path> with every path element a constant.
bool ground_input_ref(const Term& t, std::vector<Value>& path) {
  if (t.kind != TermKind::kRef || !t.items[0]->is_var() || t.items[0]->slot >= 0 ||
      t.items[0]->name != "input") {
    return false;
  }
  path.clear();
  for (size_t i = 1; i < t.items.size(); ++i) {
    if (t.items[i]->kind != TermKind::kValue) return false;
    path.push_back(t.items[i]->value);
  }
  return true;
}

// Equalities `input.p == c` / `c = input.p` that every solution of the body must satisfy.
std::vector<std::pair<std::vector<Value>, Value>> equalities(const Rule& r) {
  std::vector<std::pair<std::vector<Value>, Value>> out;
  for (const auto& lit : r.body.lits) {
    if (lit.kind != LitKind::kExpr || lit.negated || !lit.withs.empty()) continue;
    const Term& e = *lit.expr;
    if (e.kind != TermKind::kCall || (e.name != "equal" && e.name != "eq") || e.items.size() != 2) {
      continue;
    }
    for (int side = 0; side < 2; ++side) {
      const Term& ref = *e.items[static_cast<size_t>(side)];
      const Term& val = *e.items[static_cast<size_t>(1 - side)];
      std::vector<Value> path;
      if (val.kind == TermKind::kValue && ground_input_ref(ref, path)) {
        out.emplace_back(std::move(path), val.value);
      }
    }
  }
  return out;
}

}  // namespace

std::vector<size_t> RuleIndex::candidates(const Value* actual) const {
  std::vector<size_t> out = unindexed;
  if (actual != nullptr) {
    auto it = by_value.find(*actual);
    if (it != by_value.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void build_rule_index(RuleNode& node) {
  if (node.rules.size() < 2) return;
  // Pick the input path whose constants split the rules best (most distinct constants, then
  // most rules testing it).
  std::map<Value, std::pair<std::set<Value, ValueLess>, int>, ValueLess> stats;
  std::vector<std::vector<std::pair<std::vector<Value>, Value>>> per_rule;
  for (const auto& r : node.rules) {
    per_rule.push_back(r->else_rule ? decltype(per_rule)::value_type{} : equalities(*r));
    std::set<Value, ValueLess> seen;
    for (const auto& [path, v] : per_rule.back()) {
      Value key = Value::array(Array(path.begin(), path.end()));
      auto& st = stats[key];
      st.first.insert(v);
      if (seen.insert(key).second) ++st.second;
    }
  }
  const Value* best = nullptr;
  std::pair<size_t, int> best_score{1, 1};
  for (const auto& [path, st] : stats) {
    std::pair<size_t, int> score{st.first.size(), st.second};
    if (st.second > 1 && score > best_score) {
      best = &path;
      best_score = score;
    }
  }
  if (best == nullptr) return;
  auto index = std::make_shared<RuleIndex>();
  index->input_path.assign(best->as_array().begin(), best->as_array().end());
  for (size_t i = 0; i < node.rules.size(); ++i) {
    const Value* constant = nullptr;
    for (const auto& [path, v] : per_rule[i]) {
      if (path == index->input_path) {
        constant = &v;
        break;
      }
    }
    if (constant == nullptr) {
      index->unindexed.push_back(i);
    } else {
      index->by_value[*constant].push_back(i);
    }
  }
  node.index = std::move(index);
}

}  // namespace dts::rego
