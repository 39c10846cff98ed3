#include "cli/service_env.hpp"

#include <gtest/gtest.h>

#include <set>

#include "cli/service_catalog.hpp"

namespace dts::cli {
namespace {

SupervisorOptions options(const std::string& only) {
  SupervisorOptions o;
  o.root = DTS_SOURCE_DIR;  // has policies/
  o.home = "/tmp/dts-home";
  std::string unknown;
  o.services = select_services(only, unknown);
  EXPECT_TRUE(unknown.empty()) << unknown;
  o.port_offset = 100;
  return o;
}

const ServiceDef& def(const SupervisorOptions& o, const std::string& name) {
  for (const auto& s : o.services) {
    if (s.name == name) return s;
  }
  ADD_FAILURE() << "no service " << name;
  return o.services.front();
}

const RunSecrets kSecrets{"admin-token-123", std::string(64, 'k')};

TEST(ServiceEnv, EveryServiceGetsTheRunsInternalKey) {
  auto o = options("policy,identity,gateway,selftest");
  std::set<std::string> keys;
  for (const auto& s : o.services) {
    auto env = service_env(o, s, 9999, "", kSecrets, {"PATH=/bin", "SECRET_OF_MINE=x"});
    EXPECT_EQ(env["DTS_INTERNAL_KEY"], kSecrets.internal_key) << s.name;
    EXPECT_EQ(env["DTS_SERVICE"], s.name);
    EXPECT_EQ(env["PORT"], "9999");
    EXPECT_EQ(env["PATH"], "/bin");
    EXPECT_EQ(env.count("SECRET_OF_MINE"), 0u) << "only listed variables pass through";
    EXPECT_EQ(env.count("GATEWAY_ADMIN_TOKEN"), s.name == "gateway" ? 1u : 0u) << s.name;
    keys.insert(env["DTS_INTERNAL_KEY"]);
  }
  EXPECT_EQ(keys.size(), 1u);
}

TEST(ServiceEnv, IdentityTrustsForwardedForOnlyBehindTheGateway) {
  auto with = options("identity,gateway");
  EXPECT_EQ(service_env(with, def(with, "identity"), 9001, "", kSecrets, {})
                .at("IDENTITY_TRUST_FORWARDED_FOR"),
            "true");
  EXPECT_EQ(service_env(with, def(with, "gateway"), 8080, "", kSecrets, {})
                .count("IDENTITY_TRUST_FORWARDED_FOR"),
            0u);
  auto alone = options("identity");
  EXPECT_EQ(service_env(alone, def(alone, "identity"), 9001, "", kSecrets, {})
                .count("IDENTITY_TRUST_FORWARDED_FOR"),
            0u)
      << "reached directly: the socket address is the client's";
  // The operator can still say no, for identity only.
  auto env = service_env(with, def(with, "identity"), 9001, "", kSecrets,
                         {"DTS_IDENTITY_IDENTITY_TRUST_FORWARDED_FOR=false"});
  EXPECT_EQ(env.at("IDENTITY_TRUST_FORWARDED_FOR"), "false");
}

TEST(ServiceEnv, GatewayGetsPortsTokenAndPolicies) {
  auto o = options("identity,gateway");
  auto env = service_env(o, def(o, "gateway"), 8180, "", kSecrets, {});
  EXPECT_EQ(env.at("GATEWAY_ADMIN_TOKEN"), "admin-token-123");
  EXPECT_EQ(env.at("POLICY_BUNDLE"), std::string(DTS_SOURCE_DIR) + "/policies");
  EXPECT_EQ(env.at("IDENTITY_PORT"), "9101");  // shifted by the offset
  EXPECT_EQ(env.at("CORE_PORT"), "9102");      // not running yet: the planned port
  EXPECT_EQ(env.at("GATEWAY_ADMIN_PORT"), "8181");
}

TEST(ServiceEnv, PerServiceOverridesApplyToThatServiceOnly) {
  auto o = options("identity,gateway");
  std::vector<std::string> process = {"DTS_GATEWAY_LOG_LEVEL=debug", "DTS_GATEWAY_=ignored",
                                      "DTS_GATEWAYX=ignored", "LOG_LEVEL=warn"};
  auto gw = service_env(o, def(o, "gateway"), 8080, "", kSecrets, process);
  auto id = service_env(o, def(o, "identity"), 9001, "postgresql://x", kSecrets, process);
  EXPECT_EQ(gw.at("LOG_LEVEL"), "debug");
  EXPECT_EQ(id.at("LOG_LEVEL"), "warn");
  EXPECT_EQ(id.at("DATABASE_URL"), "postgresql://x");
  EXPECT_EQ(gw.count("DATABASE_URL"), 0u);
  EXPECT_EQ(gw.count(""), 0u);
}

TEST(ServiceEnv, InternalKeyIsRandomUnlessGiven) {
  std::string a = internal_key_for_run("");
  std::string b = internal_key_for_run("");
  EXPECT_EQ(a.size(), 64u);  // 256 bits, hex: above internal_auth's 32-byte minimum
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(internal_key_for_run("operator-provided-key-of-enough-length"),
            "operator-provided-key-of-enough-length");
}

}  // namespace
}  // namespace dts::cli
