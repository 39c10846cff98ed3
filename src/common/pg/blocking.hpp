#pragma once
// block_on: runs a coroutine to completion on a private io_context and returns its value.
// For command-line tools (`dts migrate`), start-up code and tests, never for request paths.
//
//   Result<Rows> rows = pg::block_on([&](pg::Executor ex) -> pg::Awaitable<Result<Rows>> {
//     DTS_CO_ASSIGN_OR_RETURN(auto conn, co_await pg::Connection::connect(ex, conninfo));
//     co_return co_await conn->query("SELECT 1");
//   });
//
// The coroutine is wrapped so that its result type need not be default-constructible
// (co_spawn's completion requires that of the value type). An exception escaping the
// coroutine is rethrown here.

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "common/pg/connection.hpp"

namespace dts::pg {

template <typename Factory>
auto block_on(Factory&& factory) {
  using Task = decltype(factory(std::declval<Executor>()));
  using T = typename Task::value_type;
  boost::asio::io_context io;
  std::exception_ptr failure;
  if constexpr (std::is_void_v<T>) {
    boost::asio::co_spawn(io, factory(io.get_executor()),
                          [&](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) {
      std::rethrow_exception(failure);
    }
  } else {
    std::optional<T> out;
    auto wrapper = [&]() -> Awaitable<void> { out.emplace(co_await factory(io.get_executor())); };
    boost::asio::co_spawn(io, wrapper(), [&](std::exception_ptr e) { failure = e; });
    io.run();
    if (failure) {
      std::rethrow_exception(failure);
    }
    return std::move(*out);
  }
}

}  // namespace dts::pg
