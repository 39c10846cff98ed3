#include "rego/value.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dts::rego {
namespace {

Value json(std::string_view text) {
  auto r = Value::from_json(text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message());
  return r.ok() ? *r : Value();
}

TEST(ValueTest, TypeOrderFollowsOpa) {
  std::vector<Value> ordered = {Value::null(),        Value::boolean(false),
                                Value::boolean(true), Value::number(-1),
                                Value::string("a"),   json("[1]"),
                                json("{\"a\":1}"),    Value::set({Value::number(1)})};
  for (size_t i = 0; i + 1 < ordered.size(); ++i) {
    EXPECT_LT(ordered[i].compare(ordered[i + 1]), 0) << i;
  }
}

TEST(ValueTest, IntAndFloatAreEqual) {
  EXPECT_EQ(json("1"), json("1.0"));
  EXPECT_EQ(json("[1, 2]"), json("[1.0, 2.0]"));
  Set s;
  s.insert(json("1"));
  s.insert(json("1.0"));
  EXPECT_EQ(s.size(), 1u);
}

TEST(ValueTest, BigIntegersStayExact) {
  Value big = json("123456789012345678901234567890");
  EXPECT_EQ(big.to_json(), "123456789012345678901234567890");
  Number a = *Number::parse("9223372036854775807");
  Number b = a + Number(1);
  EXPECT_EQ(b.to_string(), "9223372036854775808");
  EXPECT_EQ((b - Number(1)).to_string(), "9223372036854775807");
  Number m = *Number::parse("-55178253689") * *Number::parse("-54641715256");
  EXPECT_EQ(m.to_string(), "3015034426397669579384");
  auto q = Number::divide(*Number::parse("3015034426397669579384"), *Number::parse("-55178253689"));
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->to_string(), "-54641715256");
  auto r = Number::modulo(*Number::parse("-195704950809131321607"), Number(14299972798));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->to_string(), "-2487164265");
}

TEST(ValueTest, NumbersFormatLikeGoJson) {
  EXPECT_EQ(Number::from_double(0.5).to_string(), "0.5");
  EXPECT_EQ(Number::from_double(1e21).to_string(), "1e+21");
  EXPECT_EQ(Number::from_double(1.5e-7).to_string(), "1.5e-7");
  EXPECT_EQ(Number::from_double(3.0).to_string(), "3");
  EXPECT_EQ((Number::from_double(0.1) + Number::from_double(0.2)).to_string(),
            "0.30000000000000004");
}

TEST(ValueTest, DivisionAndModuloErrors) {
  EXPECT_FALSE(Number::divide(Number(1), Number(0)).ok());
  EXPECT_FALSE(Number::modulo(Number(1), Number(0)).ok());
  EXPECT_FALSE(Number::modulo(Number::from_double(1.5), Number(1)).ok());
  EXPECT_EQ(Number::divide(Number(7), Number(2))->to_string(), "3.5");
  EXPECT_EQ(Number::divide(Number(8), Number(2))->to_string(), "4");
}

TEST(ValueTest, JsonRoundTripAndRegoText) {
  Value v = json(R"({"b": [1, "x", null], "a": {"c": true}})");
  EXPECT_EQ(v.to_json(), R"({"a":{"c":true},"b":[1,"x",null]})");
  Value s = Value::set({Value::number(2), Value::string("a")});
  EXPECT_EQ(s.to_string(), R"({2, "a"})");
  EXPECT_EQ(Value::empty_set().to_string(), "set()");
}

TEST(ValueTest, JsonRejectsBadInput) {
  EXPECT_FALSE(Value::from_json("{").ok());
  EXPECT_FALSE(Value::from_json("[1,]").ok());
  EXPECT_FALSE(Value::from_json("\"\xff\"").ok());
  EXPECT_FALSE(Value::from_json(std::string(5000, '[') + std::string(5000, ']')).ok());
  EXPECT_TRUE(Value::from_json(std::string(500, '[') + std::string(500, ']')).ok());
  auto huge = Value::from_json("\"" + std::string(10 * 1024 * 1024, 'x') + "\"");
  ASSERT_TRUE(huge.ok());
  EXPECT_EQ(huge->as_string().size(), 10u * 1024 * 1024);
}

TEST(ValueTest, YamlScalarsResolve) {
  auto v = Value::from_yaml("a: 1\nb: 'x'\nc: true\nd: ~\ne: 2.5\nf: hello\ng: '1'");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->to_json(), R"({"a":1,"b":"x","c":true,"d":null,"e":2.5,"f":"hello","g":"1"})");
}

TEST(ValueTest, FindLooksUpMembers) {
  Value v = json(R"({"a": [10, 20]})");
  const Value* arr = v.find(Value::string("a"));
  ASSERT_NE(arr, nullptr);
  ASSERT_NE(arr->find(Value::number(1)), nullptr);
  EXPECT_EQ(*arr->find(Value::number(1)), Value::number(20));
  EXPECT_EQ(arr->find(Value::number(2)), nullptr);
  EXPECT_EQ(arr->find(Value::string("0")), nullptr);
}

}  // namespace
}  // namespace dts::rego
