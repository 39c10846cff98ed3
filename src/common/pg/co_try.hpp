#pragma once
// Coroutine spellings of DTS_TRY / DTS_ASSIGN_OR_RETURN (common/result.hpp): inside a
// coroutine `return` is ill-formed, so these use `co_return`.
//
//   DTS_CO_ASSIGN_OR_RETURN(auto lease, co_await pool.acquire());
//   DTS_CO_TRY(co_await lease->query("DELETE FROM t WHERE id = $1", {id}));

#include "common/result.hpp"

#define DTS_CO_TRY(expr)                    \
  do {                                      \
    auto&& dts_co_try_result_ = (expr);     \
    if (!dts_co_try_result_.ok()) {         \
      co_return dts_co_try_result_.error(); \
    }                                       \
  } while (false)

#define DTS_CO_ASSIGN_OR_RETURN(lhs, expr)                        \
  auto DTS_CONCAT(dts_co_r_, __LINE__) = (expr);                  \
  if (!DTS_CONCAT(dts_co_r_, __LINE__).ok()) {                    \
    co_return std::move(DTS_CONCAT(dts_co_r_, __LINE__)).error(); \
  }                                                               \
  lhs = std::move(DTS_CONCAT(dts_co_r_, __LINE__)).value()
