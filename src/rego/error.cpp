#include "rego/error.hpp"

namespace dts::rego {

std::string Location::to_string() const {
  std::string out;
  if (file && !file->empty()) {
    out = *file + ":";
  }
  out += std::to_string(line) + ":" + std::to_string(col);
  return out;
}

std::string RegoError::to_string() const {
  std::string out;
  if (location.line > 0) {
    out = location.to_string() + ": ";
  }
  return out + code + ": " + message;
}

Error RegoError::to_error() const {
  Code c = Code::kUnprocessable;
  if (code.rfind("rego_", 0) == 0) {
    c = Code::kInvalidArgument;
  } else if (code == kEvalCancelError) {
    c = Code::kDeadlineExceeded;
  } else if (code == kEvalLimitError) {
    c = Code::kResourceExhausted;
  }
  return Error(c, to_string());
}

}  // namespace dts::rego
