#include "common/ids.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace dts::ids {
namespace {

const char* kSpecExample = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(IdsRandomHex, LengthAndAlphabet) {
  EXPECT_EQ(random_hex(0), "");
  const std::string h = random_hex(100);  // more than one internal chunk
  ASSERT_EQ(h.size(), 200u);
  EXPECT_EQ(h.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(random_hex(16), random_hex(16));
}

// Request ids come from a per-thread pool of CSPRNG bytes (ids.cpp): a forked child must not
// hand out the ids its parent's pool still holds, and threads must not share a pool.
TEST(IdsRequestId, ForkedChildDoesNotReplayTheParentsPool) {
  (void)new_request_id();  // fill this thread's pool
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const std::string id = new_request_id();
    (void)!::write(fds[1], id.data(), id.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  const std::string parent_next = new_request_id();
  char buf[64] = {};
  const ssize_t n = ::read(fds[0], buf, sizeof buf);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_EQ(n, 32);
  EXPECT_NE(std::string(buf, 32), parent_next) << "the child replayed the parent's pool";
}

TEST(IdsRequestId, ThreadsDrawDifferentIds) {
  std::vector<std::string> ids(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < ids.size(); ++i) {
    threads.emplace_back([&ids, i] { ids[i] = new_request_id(); });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
}

TEST(IdsRequestId, NewIdsAreValidAndUnique) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = new_request_id();
    ASSERT_EQ(id.size(), 32u);
    ASSERT_TRUE(is_valid_request_id(id)) << id;
    ASSERT_TRUE(seen.insert(id).second) << "duplicate " << id;
  }
}

TEST(IdsRequestId, Validation) {
  EXPECT_TRUE(is_valid_request_id("abcd1234"));
  EXPECT_TRUE(is_valid_request_id("req-01.a_b:c"));
  EXPECT_TRUE(is_valid_request_id(std::string(128, 'a')));
  EXPECT_FALSE(is_valid_request_id(""));
  EXPECT_FALSE(is_valid_request_id("abc1234"));  // 7 chars
  EXPECT_FALSE(is_valid_request_id(std::string(129, 'a')));
  EXPECT_FALSE(is_valid_request_id("abcd1234\r\nSet-Cookie: x=1"));
  EXPECT_FALSE(is_valid_request_id("abcd1234\n"));
  EXPECT_FALSE(is_valid_request_id("abcd 1234"));
  EXPECT_FALSE(is_valid_request_id("abcd\"1234"));
  EXPECT_FALSE(is_valid_request_id("abcd/1234"));
  EXPECT_FALSE(
      is_valid_request_id(std::string("abcd\0"
                                      "1234",
                                      9)));
  EXPECT_FALSE(is_valid_request_id("abcd1234\xc3\xa9"));
}

TEST(IdsTraceparent, SpecExampleParses) {
  auto ctx = parse_traceparent(kSpecExample);
  ASSERT_TRUE(ctx.has_value());
  EXPECT_EQ(ctx->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(ctx->parent_id, "00f067aa0ba902b7");
  EXPECT_EQ(ctx->flags, 0x01);
  EXPECT_TRUE(ctx->sampled());
  EXPECT_EQ(format_traceparent(*ctx), kSpecExample);

  auto unsampled = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  ASSERT_TRUE(unsampled.has_value());
  EXPECT_FALSE(unsampled->sampled());
  auto other_flags = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-09");
  ASSERT_TRUE(other_flags.has_value());
  EXPECT_EQ(other_flags->flags, 0x09);
}

TEST(IdsTraceparent, SurroundingWhitespaceIgnored) {
  EXPECT_TRUE(parse_traceparent(std::string(" \t") + kSpecExample + " ").has_value());
}

TEST(IdsTraceparent, InvalidHeadersRejected) {
  const char* bad[] = {
      "",
      "00",
      // uppercase hex anywhere
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",
      "0A-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0A",
      // wrong lengths
      "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b77-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",
      "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      // version 00 must not carry extra data
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-010",
      // all-zero ids
      "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
      // forbidden version
      "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      // wrong delimiters, non-hex
      "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7_01",
      "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902bz-01",
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0x",
      // header injection
      "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\nX: y",
  };
  for (const char* h : bad) {
    EXPECT_FALSE(parse_traceparent(h).has_value()) << "accepted: " << h;
  }
}

TEST(IdsTraceparent, FutureVersionsAcceptedByPrefix) {
  auto exact = parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(exact.has_value());
  EXPECT_EQ(exact->trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  auto longer = parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what");
  ASSERT_TRUE(longer.has_value());
  EXPECT_EQ(longer->parent_id, "00f067aa0ba902b7");
  // Extra data must follow a delimiter.
  EXPECT_FALSE(
      parse_traceparent("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01what").has_value());
  // The prefix still follows the version 00 rules.
  EXPECT_FALSE(
      parse_traceparent("cc-00000000000000000000000000000000-00f067aa0ba902b7-01-x").has_value());
}

TEST(IdsTraceparent, NewTraceAndChild) {
  const TraceContext root = new_trace();
  EXPECT_TRUE(root.sampled());
  const std::string header = format_traceparent(root);
  auto parsed = parse_traceparent(header);
  ASSERT_TRUE(parsed.has_value()) << header;
  EXPECT_EQ(parsed->trace_id, root.trace_id);
  EXPECT_EQ(parsed->parent_id, root.parent_id);

  const TraceContext child = child_of(root);
  EXPECT_EQ(child.trace_id, root.trace_id);
  EXPECT_NE(child.parent_id, root.parent_id);
  EXPECT_EQ(child.flags, root.flags);
  EXPECT_TRUE(parse_traceparent(format_traceparent(child)).has_value());
  EXPECT_NE(new_trace().trace_id, root.trace_id);
}

TEST(IdsUuid, V4Format) {
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string u = new_uuid_v4();
    ASSERT_EQ(u.size(), 36u);
    ASSERT_TRUE(is_valid_uuid(u)) << u;
    EXPECT_EQ(u[14], '4') << u;
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos) << u;
    EXPECT_EQ(u.find_first_of("ABCDEF"), std::string::npos) << u;
    ASSERT_TRUE(seen.insert(u).second);
  }
  EXPECT_TRUE(is_valid_uuid("123E4567-E89B-12D3-A456-426614174000"));
  EXPECT_FALSE(is_valid_uuid("123e4567e89b12d3a456426614174000"));
  EXPECT_FALSE(is_valid_uuid("123e4567-e89b-12d3-a456-42661417400g"));
  EXPECT_FALSE(is_valid_uuid("123e4567-e89b-12d3-a456-4266141740000"));
}

TEST(IdsConstantTimeEqual, Compares) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("secret-token", "secret-token"));
  EXPECT_FALSE(constant_time_equal("secret-token", "secret-tokem"));
  EXPECT_FALSE(constant_time_equal("secret-token", "secret-token2"));
  EXPECT_FALSE(constant_time_equal("a", ""));
  EXPECT_TRUE(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace
}  // namespace dts::ids
