#pragma once
// Rule indexing: for a document defined by many rules, skip the rules whose body demands
// `input.<path> == <constant>` for a constant that differs from the actual input value.
//
// Built at compile time per rule node (only when there are several rules); used by the
// evaluator before evaluating a node's rules. Rules with else-chains or without such an
// equality are always candidates.

#include <map>
#include <memory>
#include <vector>

#include "rego/ast.hpp"
#include "rego/value.hpp"

namespace dts::rego {

struct RuleNode;

struct RuleIndex {
  std::vector<Value> input_path;  // the indexed ref is input.<input_path>
  std::map<Value, std::vector<size_t>, ValueLess> by_value;  // constant -> rule positions
  std::vector<size_t> unindexed;  // rules that do not test the indexed ref

  // Positions of rules that may succeed when input.<input_path> is `actual` (nullptr when
  // undefined), in definition order.
  std::vector<size_t> candidates(const Value* actual) const;
};

// Builds node.index when worthwhile (two or more rules share an indexable equality).
void build_rule_index(RuleNode& node);

}  // namespace dts::rego
