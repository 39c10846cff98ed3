#pragma once
// Internal: a non-owning reference to a callable, for the evaluator's continuations.
//
// The evaluator passes a continuation to every enumeration and calls it synchronously before
// returning, so the callable (usually a lambda temporary in the caller's full-expression)
// always outlives the reference. std::function would heap-allocate each capturing lambda;
// on the hot path that allocation dominated the cost of a decision.
//
// Never store an FnRef beyond the call it was passed to, and never bind one to a lambda
// temporary in a declaration (`FnRef<bool()> k = [&] {...};` dangles).

#include <memory>
#include <type_traits>
#include <utility>

namespace dts::rego {

template <typename Sig>
class FnRef;

template <typename R, typename... Args>
class FnRef<R(Args...)> {
 public:
  template <typename F>
    requires(!std::is_same_v<std::remove_cvref_t<F>, FnRef> &&
             std::is_invocable_r_v<R, F&, Args...>)
  FnRef(F&& f) noexcept  // NOLINT: implicit, lambdas convert at every call site
      : obj_(const_cast<void*>(static_cast<const void*>(std::addressof(f)))),
        call_([](void* obj, Args... args) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(obj))(std::forward<Args>(args)...);
        }) {}

  R operator()(Args... args) const { return call_(obj_, std::forward<Args>(args)...); }

 private:
  void* obj_;
  R (*call_)(void*, Args...);
};

}  // namespace dts::rego
