#pragma once
// The Rego AST produced by the parser and annotated by the compiler.
//
// Operators are calls (`a + b` is plus(a, b), `a = b` is eq(a, b), `x := y` is assign(x, y),
// `x in xs` is internal.member_2(x, xs)), as in OPA. After compilation the tree is immutable
// and shared by every evaluation (var slots resolved, bodies reordered for safety).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "rego/error.hpp"
#include "rego/value.hpp"

namespace dts::rego {

struct Body;
struct Term;
struct Builtin;
using TermPtr = std::shared_ptr<Term>;

enum class TermKind {
  kValue,  // scalar or ground composite constant
  kVar,
  kRef,          // items[0] = head (var or term), items[1..] = path elements
  kArray,        // items
  kObject,       // items = k0, v0, k1, v1, ...
  kSet,          // items
  kArrayCompr,   // head | body
  kSetCompr,     // head | body
  kObjectCompr,  // key: head | body
  kCall,         // fn(items...)
};

// What the evaluator needs to know about a term without comparing names on every step:
// the root documents and the calls it evaluates inline. Set by annotate_ops() after
// compilation (names are final then).
enum class TermOp : uint8_t {
  kNone,
  kInput,   // var `input`
  kData,    // var `data`
  kEq,      // call eq (=)
  kAssign,  // call assign (:=)
  kPrint,
  kWalk,
  kEqual,  // comparisons: evaluated inline unless mocked with `with`
  kNeq,
  kLt,
  kLte,
  kGt,
  kGte,
};

struct Term {
  TermKind kind = TermKind::kValue;
  Location loc;
  Value value;                  // kValue
  std::string name;             // kVar name; kCall: resolved function name (after compile)
  int slot = -1;                // kVar: frame slot (after compile); -1 = global/unresolved
  std::vector<TermPtr> items;   // see TermKind
  TermPtr fn;                   // kCall: the function as written (var or ref)
  TermPtr key;                  // kObjectCompr key
  TermPtr head;                 // comprehension head (value)
  std::shared_ptr<Body> body;   // comprehension body
  std::vector<int> free_slots;  // comprehensions: outer slots they read (after compile)
  bool user_call = false;       // kCall: resolved to a user function (name = data path)
  bool has_output = false;      // kCall: last operand is the output (f(x, y) for y := f(x))
  const Builtin* builtin = nullptr;  // kCall: the resolved builtin (after compile), if any
  TermOp op = TermOp::kNone;         // see TermOp (after compile)

  bool is_var() const { return kind == TermKind::kVar; }
  bool is_wildcard() const { return kind == TermKind::kVar && name.rfind("$", 0) == 0; }
};

TermPtr make_value(Value v, Location loc);
TermPtr make_var(std::string name, Location loc);
TermPtr make_call(std::string name, std::vector<TermPtr> args, Location loc);
// Deep copy (compilation annotates terms in place; rules sharing a parsed head need copies).
TermPtr clone_term(const TermPtr& t);
std::shared_ptr<Body> clone_body(const Body& b);
// Sets Term::op on every term reachable from a body/rule (idempotent).
void annotate_ops(Body& body);
void annotate_ops(Term& term);
// Rego text of a term, for messages ("data.x.y", "f(x)").
std::string term_to_string(const Term& t);

struct WithMod {
  TermPtr target;  // ref to input/data/function as written
  TermPtr value;
  Location loc;
};

enum class LitKind { kExpr, kSome, kSomeIn, kEvery };

struct Literal {
  LitKind kind = LitKind::kExpr;
  bool negated = false;
  TermPtr expr;                    // kExpr
  std::vector<TermPtr> some_vars;  // kSome
  TermPtr key;                     // kSomeIn/kEvery: key pattern (optional)
  TermPtr val;                     // kSomeIn/kEvery: value pattern
  TermPtr collection;              // kSomeIn/kEvery
  std::shared_ptr<Body> body;      // kEvery
  std::vector<WithMod> withs;
  std::vector<int> free_slots;  // kEvery: outer slots read by the body (after compile)
  Location loc;
};

struct Body {
  std::vector<Literal> lits;
  Location loc;
};

enum class RuleKind { kComplete, kSet, kObject, kFunction };

struct Module;

struct Rule {
  RuleKind kind = RuleKind::kComplete;
  // Ground part of the head ref (rule path inside the package), e.g. p.q in `p.q[x] := 1`.
  std::vector<Value> path;
  // kObject: key terms after the ground prefix (usually one); kSet: the element is `key`.
  std::vector<TermPtr> keys;
  TermPtr key;                // kSet element
  TermPtr value;              // kComplete/kObject/kFunction value (true when omitted)
  std::vector<TermPtr> args;  // kFunction
  Body body;
  bool is_default = false;
  bool has_body = false;    // written with a body (for else/default checks)
  bool assign = false;      // head used := (no redefinition allowed)
  bool extra_body = false;  // v0 `p { a } { b }`: a further body of the previous rule
  std::shared_ptr<Rule> else_rule;
  Location loc;
  const Module* module = nullptr;
  int num_slots = 0;  // frame size (after compile)
};
using RulePtr = std::shared_ptr<Rule>;

struct Import {
  std::vector<Value> path;  // e.g. ["data", "foo"], ["input"], ["future", "keywords", "in"]
  std::string alias;        // explicit `as` alias or the last path element
  Location loc;
};

struct Module {
  std::string file;
  std::vector<Value> package;  // path below data, e.g. ["a", "b"] for `package a.b`
  std::vector<Import> imports;
  std::vector<RulePtr> rules;
  bool v1 = false;  // rego.v1 semantics (import rego.v1 or engine default)
  Location loc;
};
using ModulePtr = std::shared_ptr<Module>;

// Deep copy of a parsed module, so one parse can be compiled more than once.
ModulePtr clone_module(const Module& m);

}  // namespace dts::rego
