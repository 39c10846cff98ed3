// Term::op annotation: done once after compilation so the evaluator dispatches on an enum
// instead of comparing names (`t.name == "print"`) on every evaluation step.
#include <string_view>

#include "rego/ast.hpp"

namespace dts::rego {
namespace {

TermOp op_of(const Term& t) {
  std::string_view n = t.name;
  if (t.kind == TermKind::kVar) {
    if (n == "input") return TermOp::kInput;
    if (n == "data") return TermOp::kData;
    return TermOp::kNone;
  }
  if (t.kind != TermKind::kCall || t.user_call) return TermOp::kNone;
  if (n == "eq") return TermOp::kEq;
  if (n == "assign") return TermOp::kAssign;
  if (n == "print") return TermOp::kPrint;
  if (n == "walk") return TermOp::kWalk;
  if (n == "equal") return TermOp::kEqual;
  if (n == "neq") return TermOp::kNeq;
  if (n == "lt") return TermOp::kLt;
  if (n == "lte") return TermOp::kLte;
  if (n == "gt") return TermOp::kGt;
  if (n == "gte") return TermOp::kGte;
  return TermOp::kNone;
}

void annotate_ptr(const TermPtr& t) {
  if (t) annotate_ops(*t);
}

}  // namespace

void annotate_ops(Term& term) {
  term.op = op_of(term);
  for (const auto& item : term.items) annotate_ptr(item);
  annotate_ptr(term.fn);
  annotate_ptr(term.key);
  annotate_ptr(term.head);
  if (term.body) annotate_ops(*term.body);
}

void annotate_ops(Body& body) {
  for (auto& lit : body.lits) {
    annotate_ptr(lit.expr);
    for (const auto& v : lit.some_vars) annotate_ptr(v);
    annotate_ptr(lit.key);
    annotate_ptr(lit.val);
    annotate_ptr(lit.collection);
    if (lit.body) annotate_ops(*lit.body);
    for (const auto& w : lit.withs) {
      annotate_ptr(w.target);
      annotate_ptr(w.value);
    }
  }
}

}  // namespace dts::rego
