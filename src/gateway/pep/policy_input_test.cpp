#include "gateway/pep/policy_input.hpp"

#include <gtest/gtest.h>

#include "gateway/pep/enforcer.hpp"
#include "gateway/pep/policy_decider.hpp"

namespace dts::gateway::pep {
namespace {

using rego::Value;

Value json(std::string_view text) { return Value::from_json(text).value(); }

TEST(PolicyInput, SegmentsAreDecodedAndEmptyOnesDropped) {
  auto s = path_segments("/api/core/datasets/a%20b//x%2Fy/");
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s[3].as_string(), "a b");
  EXPECT_EQ(s[4].as_string(), "x/y") << "an encoded slash stays inside its segment";
  EXPECT_EQ(path_segments("/").size(), 0u);
  EXPECT_EQ(path_segments("/bad%zz")[0].as_string(), "bad%zz");
}

TEST(PolicyInput, TenantResolution) {
  Principal p;
  p.claims = Value::empty_object();
  EXPECT_EQ(resolve_tenant(std::nullopt, nullptr), "");
  EXPECT_EQ(resolve_tenant(std::string_view("acme"), nullptr), "acme");
  p.groups = {"tenant:acme:admin", "tenant:acme:billing", "staff"};
  EXPECT_EQ(resolve_tenant(std::nullopt, &p), "acme");
  p.groups.push_back("tenant:globex:viewer");
  EXPECT_EQ(resolve_tenant(std::nullopt, &p), "") << "two tenants: the client must choose";
  EXPECT_EQ(resolve_tenant(std::string_view("globex"), &p), "globex");
  p.claims = json(R"({"custom:tenant_id":"initech"})");
  EXPECT_EQ(resolve_tenant(std::nullopt, &p), "initech");
  p.claims = json(R"({"custom:tenant_id":"bad tenant"})");
  p.groups = {"tenant:bad tenant:admin"};
  EXPECT_EQ(resolve_tenant(std::nullopt, &p), "");
  EXPECT_TRUE(valid_tenant_id("3f2a-9c_x.1"));
  EXPECT_FALSE(valid_tenant_id(""));
  EXPECT_FALSE(valid_tenant_id("a:b"));
  EXPECT_FALSE(valid_tenant_id(std::string(65, 'a')));
}

TEST(PolicyInput, DocumentShape) {
  http::Headers h;
  h.set("X-Tenant-Id", "acme");
  h.set("Authorization", "Bearer secret");
  h.set("User-Agent", "test");
  RequestView v{"GET", "/api/core/jobs", "192.0.2.9", "rid", RequestView::lookup(h)};
  Principal p;
  p.subject = "u-1";
  p.username = "alice";
  p.groups = {"tenant:acme:viewer"};
  p.scopes = {"openid"};
  p.claims = json(R"({"sub":"u-1"})");
  Value in = build_input(v, &p, "acme", {"x-tenant-id", "user-agent", "authorization-not"}, 42);
  std::string text = in.to_json();
  EXPECT_NE(text.find(R"("segments":["api","core","jobs"])"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("headers":{"user-agent":"test","x-tenant-id":"acme"})"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("secret"), std::string::npos) << "the token never enters the input";
  EXPECT_NE(text.find(R"("authenticated":true)"), std::string::npos);
  EXPECT_NE(text.find(R"("tenant":"acme")"), std::string::npos);
  EXPECT_NE(text.find(R"("time_ns":42)"), std::string::npos);
  Value anon = build_input(v, nullptr, "", {}, 1);
  EXPECT_NE(anon.to_json().find(R"("principal":null)"), std::string::npos);
}

TEST(PolicyDecision, BooleanOrObject) {
  EXPECT_TRUE(parse_decision(Value::boolean(true)).allow);
  EXPECT_FALSE(parse_decision(Value::boolean(false)).allow);
  EXPECT_FALSE(parse_decision(Value::boolean(false)).error);
  auto d = parse_decision(json(R"({"allow":true,"reason":"ok","headers":{"X-A":"1",
      "x-dts-tenant":"evil","Host":"h","X-B":"a\r\nb","X-C":2}})"));
  EXPECT_TRUE(d.allow);
  EXPECT_EQ(d.reason, "ok");
  ASSERT_EQ(d.headers.size(), 1u);
  EXPECT_EQ(d.headers[0].first, "X-A");
  EXPECT_TRUE(parse_decision(json(R"({"allow":"true"})")).error);
  EXPECT_TRUE(parse_decision(json(R"([true])")).error);
  auto missing = parse_decision(json(R"({"reason":"x"})"));
  EXPECT_FALSE(missing.allow);
  EXPECT_FALSE(missing.error);
}

TEST(EncodeGroups, EscapesSeparatorsAndControls) {
  EXPECT_EQ(encode_groups({}), "");
  EXPECT_EQ(encode_groups({"tenant:acme:admin", "a,b", "50%", "x y", "\xc3\xa9"}),
            "tenant:acme:admin,a%2Cb,50%25,x%20y,%C3%A9");
}

}  // namespace
}  // namespace dts::gateway::pep
