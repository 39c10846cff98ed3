#pragma once
// Rego lexer: source text -> tokens. Keywords are lexed as identifiers (Rego lets most of
// them be used as names in refs); the parser decides by context.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rego/error.hpp"

namespace dts::rego {

enum class Tok {
  kEof,
  kIdent,
  kString,     // text = decoded value
  kRawString,  // text = raw value
  kNumber,     // text = literal
  kLBrace,
  kRBrace,
  kLBracket,
  kRBracket,
  kLParen,
  kRParen,
  kDot,
  kComma,
  kSemicolon,
  kColon,
  kAssign,  // :=
  kUnify,   // =
  kEq,
  kNeq,
  kLt,
  kLte,
  kGt,
  kGte,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kPipe,
  kAmp,
};

struct Token {
  Tok kind = Tok::kEof;
  std::string text;
  Location loc;
  bool newline_before = false;  // a line break separates it from the previous token
  bool space_before = false;    // any whitespace/comment separates it from the previous token
};

// Maximum source size accepted; bigger modules are rejected rather than lexed.
inline constexpr size_t kMaxSourceBytes = 64u << 20;

// Lexes a whole module. Errors are rego_parse_error with a location.
// Returns false and fills `error` on a lexical error.
bool lex(std::string_view source, std::shared_ptr<const std::string> file, std::vector<Token>& out,
         RegoError& error);
std::string_view tok_name(Tok kind);

}  // namespace dts::rego
