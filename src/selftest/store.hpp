#pragma once
// SQL for the selftest service (schema `selftest`, migrations/selftest/).

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>

#include "common/pg/pool.hpp"
#include "common/result.hpp"

namespace dts::selftest {

struct Probe {
  int64_t id = 0;
  std::string note;
  std::string created_at;
};

class Store {
 public:
  explicit Store(pg::Pool& pool) : pool_(pool) {}
  boost::asio::awaitable<Result<Probe>> create_probe(std::string note);
  boost::asio::awaitable<Result<Probe>> get_probe(int64_t id);

 private:
  pg::Pool& pool_;
};

}  // namespace dts::selftest
