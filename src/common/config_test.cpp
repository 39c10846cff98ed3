#include "common/config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>

namespace dts::config {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::Not;

Env env(std::map<std::string, std::string> vars) { return Env(std::move(vars)); }

TEST(ConfigEnv, MapAndProcess) {
  Env e = env({{"A", "1"}, {"EMPTY", ""}});
  EXPECT_EQ(e.get("A"), "1");
  EXPECT_EQ(e.get("EMPTY"), "");
  EXPECT_FALSE(e.get("B").has_value());

  ASSERT_EQ(setenv("DTS_CONFIG_TEST_VAR", "x=y", 1), 0);
  Env p = Env::from_process();
  EXPECT_EQ(p.get("DTS_CONFIG_TEST_VAR"), "x=y");  // only the first '=' splits
  unsetenv("DTS_CONFIG_TEST_VAR");
  EXPECT_EQ(p.get("DTS_CONFIG_TEST_VAR"), "x=y");  // a snapshot
}

TEST(ConfigReader, StringAndRequired) {
  Reader r(env({{"NAME", "core"}, {"EMPTY", ""}, {"DATABASE_URL", "postgres://x"}}));
  EXPECT_EQ(r.string("NAME", "dflt"), "core");
  EXPECT_EQ(r.string("MISSING", "dflt"), "dflt");
  EXPECT_EQ(r.string("EMPTY", "dflt"), "dflt");  // empty means not set
  EXPECT_EQ(r.required("DATABASE_URL"), "postgres://x");
  EXPECT_TRUE(r.finish().ok());
  EXPECT_EQ(r.required("OTHER"), "");
  EXPECT_EQ(r.required("EMPTY"), "");
  auto st = r.finish();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(st.error().message(), "config: OTHER is required; EMPTY is required");
}

TEST(ConfigReader, Integer) {
  Reader r(env({{"PORT", "8080"},
                {"NEG", "-5"},
                {"ABC", "abc"},
                {"HIGH", "70000"},
                {"LOW", "0"},
                {"PLUS", "+5"},
                {"SPACE", " 5"},
                {"FRAC", "5.0"},
                {"HUGE", "99999999999999999999999"}}));
  EXPECT_EQ(r.integer("PORT", 1, 1, 65535), 8080);
  EXPECT_EQ(r.integer("NEG", 0, -10, 10), -5);
  EXPECT_EQ(r.integer("MISSING", 42, 1, 65535), 42);
  EXPECT_TRUE(r.finish().ok());
  for (const char* bad : {"ABC", "HIGH", "LOW", "PLUS", "SPACE", "FRAC", "HUGE"}) {
    EXPECT_EQ(r.integer(bad, 7, 1, 65535), 7) << bad;
  }
  ASSERT_EQ(r.errors().size(), 7u);
  EXPECT_EQ(r.errors()[0], "ABC: must be an integer in [1, 65535], got \"abc\"");
  EXPECT_EQ(r.errors()[1], "HIGH: must be an integer in [1, 65535], got \"70000\"");
  EXPECT_EQ(r.errors()[4], "SPACE: must be an integer in [1, 65535], got \" 5\"");
}

TEST(ConfigReader, Port) {
  Reader r(env({{"P", "0"}, {"Q", "65536"}}));
  EXPECT_EQ(r.port("P", 80), 0);
  EXPECT_EQ(r.port("Q", 80), 80);
  EXPECT_EQ(r.port("R", 80), 80);
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_THAT(r.errors()[0], HasSubstr("Q: must be an integer in [0, 65535]"));
}

TEST(ConfigReader, Boolean) {
  Reader r(env({{"T1", "true"},
                {"T2", "1"},
                {"T3", "YES"},
                {"T4", "True"},
                {"F1", "false"},
                {"F2", "0"},
                {"F3", "no"},
                {"BAD", "maybe"},
                {"BAD2", "on"}}));
  for (const char* t : {"T1", "T2", "T3", "T4"}) {
    EXPECT_TRUE(r.boolean(t, false)) << t;
  }
  for (const char* f : {"F1", "F2", "F3"}) {
    EXPECT_FALSE(r.boolean(f, true)) << f;
  }
  EXPECT_TRUE(r.boolean("MISSING", true));
  EXPECT_TRUE(r.finish().ok());
  EXPECT_TRUE(r.boolean("BAD", true));
  EXPECT_FALSE(r.boolean("BAD2", false));
  ASSERT_EQ(r.errors().size(), 2u);
  EXPECT_EQ(r.errors()[0], "BAD: must be one of true/false/1/0/yes/no, got \"maybe\"");
}

TEST(ConfigReader, Duration) {
  Reader r(env({{"A", "250ms"},
                {"B", "5s"},
                {"C", "2m"},
                {"D", "1h"},
                {"E", "1m30s"},
                {"Z", "0"},
                {"BARE", "5"},
                {"UNIT", "5d"},
                {"NEG", "-5s"},
                {"FRAC", "1.5s"},
                {"NONUM", "ms"},
                {"TRAIL", "5s "},
                {"OVER", "99999999999999999h"}}));
  EXPECT_EQ(r.duration("A", milliseconds(1)), milliseconds(250));
  EXPECT_EQ(r.duration("B", milliseconds(1)), milliseconds(5000));
  EXPECT_EQ(r.duration("C", milliseconds(1)), milliseconds(120000));
  EXPECT_EQ(r.duration("D", milliseconds(1)), milliseconds(3600000));
  EXPECT_EQ(r.duration("E", milliseconds(1)), milliseconds(90000));
  EXPECT_EQ(r.duration("Z", milliseconds(1)), milliseconds(0));
  EXPECT_EQ(r.duration("MISSING", milliseconds(7)), milliseconds(7));
  EXPECT_TRUE(r.finish().ok());
  for (const char* bad : {"BARE", "UNIT", "NEG", "FRAC", "NONUM", "TRAIL", "OVER"}) {
    EXPECT_EQ(r.duration(bad, milliseconds(7)), milliseconds(7)) << bad;
  }
  ASSERT_EQ(r.errors().size(), 7u);
  EXPECT_EQ(r.errors()[0], "BARE: must be a duration like 250ms, 5s, 2m, 1h or 1m30s, got \"5\"");
}

TEST(ConfigReader, Bytes) {
  Reader r(env({{"A", "1048576"},
                {"B", "512KiB"},
                {"C", "1MiB"},
                {"D", "2GiB"},
                {"E", "1KB"},
                {"F", "3 mib"},
                {"G", "10B"},
                {"BAD", "1.5MiB"},
                {"UNIT", "5XB"},
                {"NEG", "-1"},
                {"OVER", "99999999999TiB"},
                {"SP", "5 "},
                {"NONUM", "MiB"}}));
  EXPECT_EQ(r.bytes("A", 1), 1048576u);
  EXPECT_EQ(r.bytes("B", 1), 512u * 1024);
  EXPECT_EQ(r.bytes("C", 1), 1u << 20);
  EXPECT_EQ(r.bytes("D", 1), uint64_t{2} << 30);
  EXPECT_EQ(r.bytes("E", 1), 1000u);
  EXPECT_EQ(r.bytes("F", 1), 3u << 20);
  EXPECT_EQ(r.bytes("G", 1), 10u);
  EXPECT_EQ(r.bytes("MISSING", 9), 9u);
  EXPECT_TRUE(r.finish().ok());
  for (const char* bad : {"BAD", "UNIT", "NEG", "OVER", "SP", "NONUM"}) {
    EXPECT_EQ(r.bytes(bad, 9), 9u) << bad;
  }
  ASSERT_EQ(r.errors().size(), 6u);
  EXPECT_EQ(r.errors()[0], "BAD: must be a byte size like 1048576, 512KiB or 1MiB, got \"1.5MiB\"");
}

TEST(ConfigReader, OneOf) {
  Reader r(env({{"LOG_LEVEL", "warn"}, {"BAD", "WARN"}}));
  EXPECT_EQ(r.one_of("LOG_LEVEL", "info", {"debug", "info", "warn", "error"}), "warn");
  EXPECT_EQ(r.one_of("MISSING", "info", {"debug", "info"}), "info");
  EXPECT_EQ(r.one_of("BAD", "info", {"debug", "info", "warn", "error"}), "info");
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_EQ(r.errors()[0], "BAD: must be one of debug, info, warn, error, got \"WARN\"");
}

TEST(ConfigReader, Url) {
  Reader r(env({{"A", "http://localhost:9001"},
                {"B", "https://idp.example.com/path?q=1"},
                {"FTP", "ftp://example.com"},
                {"REL", "/just/a/path"},
                {"NOHOST", "http://"},
                {"JUNK", "not a url"},
                {"CREDS", "https://user:hunter2@example.com"},
                {"CREDS2", "gopher://user:hunter2@example.com/x"}}));
  EXPECT_EQ(r.url("A", ""), "http://localhost:9001");
  EXPECT_EQ(r.url("B", ""), "https://idp.example.com/path?q=1");
  EXPECT_EQ(r.url("MISSING", "http://fallback"), "http://fallback");
  EXPECT_EQ(r.url("CREDS", ""), "https://user:hunter2@example.com");
  EXPECT_TRUE(r.finish().ok());
  for (const char* bad : {"FTP", "REL", "NOHOST", "JUNK", "CREDS2"}) {
    EXPECT_EQ(r.url(bad, "http://fb"), "http://fb") << bad;
  }
  ASSERT_EQ(r.errors().size(), 5u);
  EXPECT_EQ(r.errors()[0], "FTP: must be an http(s) URL with a host, got \"ftp://example.com\"");
  // Credentials embedded in a URL are masked even when the name is not secret.
  EXPECT_EQ(r.errors()[4],
            "CREDS2: must be an http(s) URL with a host, got \"gopher://***@example.com/x\"");
}

TEST(ConfigReader, AllErrorsReportedTogether) {
  Reader r(env({{"PORT", "abc"}, {"DEBUG", "maybe"}, {"TIMEOUT", "5"}}));
  r.integer("PORT", 8080, 1, 65535);
  r.required("DATABASE_URL");
  r.boolean("DEBUG", false);
  r.duration("TIMEOUT", milliseconds(1000));
  r.string("FINE", "ok");
  r.add_error("JWKS_URL and JWT_PUBLIC_KEY are mutually exclusive");
  auto st = r.finish();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(st.error().message(),
            "config: PORT: must be an integer in [1, 65535], got \"abc\"; DATABASE_URL is "
            "required; DEBUG: must be one of true/false/1/0/yes/no, got \"maybe\"; TIMEOUT: "
            "must be a duration like 250ms, 5s, 2m, 1h or 1m30s, got \"5\"; JWKS_URL and "
            "JWT_PUBLIC_KEY are mutually exclusive");
}

TEST(ConfigReader, SecretsHidden) {
  EXPECT_TRUE(is_secret_name("JWT_SECRET"));
  EXPECT_TRUE(is_secret_name("DB_PASSWORD"));
  EXPECT_TRUE(is_secret_name("API_KEY"));
  EXPECT_TRUE(is_secret_name("GITHUB_TOKEN"));
  EXPECT_FALSE(is_secret_name("KEY_ID"));
  EXPECT_FALSE(is_secret_name("PORT"));

  const std::string secret = "s3cr3t-hunter2";
  Reader r(env({{"SIGNING_KEY", secret},
                {"DB_PASSWORD", secret},
                {"SESSION_SECRET", secret},
                {"ADMIN_TOKEN", secret},
                {"CALLBACK_KEY", secret}}));
  r.integer("SIGNING_KEY", 0, 0, 10);
  r.boolean("DB_PASSWORD", false);
  r.duration("SESSION_SECRET", milliseconds(1));
  r.one_of("ADMIN_TOKEN", "a", {"a", "b"});
  r.url("CALLBACK_KEY", "");
  r.bytes("ADMIN_TOKEN", 0);
  auto st = r.finish();
  ASSERT_FALSE(st.ok());
  EXPECT_THAT(st.error().message(), Not(HasSubstr("s3cr3t")));
  EXPECT_THAT(st.error().message(), Not(HasSubstr("hunter2")));
  ASSERT_EQ(r.errors().size(), 6u);
  for (const auto& e : r.errors()) {
    EXPECT_THAT(e, HasSubstr("(value hidden)"));
  }
  EXPECT_EQ(r.errors()[0], "SIGNING_KEY: must be an integer in [0, 10], got (value hidden)");
  // Reading a secret successfully just returns it.
  EXPECT_EQ(r.required("DB_PASSWORD"), secret);
}

TEST(ConfigReader, ControlCharactersEscapedInMessages) {
  Reader r(env({{"PORT", "80\r\n"}}));
  r.integer("PORT", 1, 1, 65535);
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_EQ(r.errors()[0], "PORT: must be an integer in [1, 65535], got \"80\\r\\n\"");
}

}  // namespace
}  // namespace dts::config
