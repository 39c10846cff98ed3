#pragma once
// Internal to sprintf: Go's fmt verb formatters (fmt.fmt) for ints, floats and strings.

#include <cstdint>
#include <string>
#include <string_view>

namespace dts::rego::builtins::gofmt {

// Flags, width and precision of one verb, as Go's fmt parses them.
struct Spec {
  bool plus = false, minus = false, sharp = false, space = false, zero = false;
  bool wid_present = false, prec_present = false;
  int wid = 0, prec = 0;
};

// Go's fmt.pad: width counts code points; zero padding only when asked and not left-aligned.
void pad(std::string& out, const Spec& sp, std::string_view s, bool zero_ok = true);
// %d %b %o %O %x %X %c %q %U of an integer given as sign + magnitude (or decimal digits).
void fmt_integer(std::string& out, Spec sp, bool neg, uint64_t u, std::string digits_override,
                 char verb);
// %e %E %f %F %g %G %v of a float64.
void fmt_float(std::string& out, Spec sp, double v, char verb);
// %s %q %x %X %v of a string.
void fmt_string(std::string& out, const Spec& sp, std::string_view s, char verb);

}  // namespace dts::rego::builtins::gofmt
