// Data document edits: put/remove/JSON Patch on immutable values.

#include "policy/pdp/document.hpp"

#include <gtest/gtest.h>

#include "policy/pdp/store.hpp"

namespace dts::policy::pdp {
namespace {

rego::Value json(const char* text) { return *rego::Value::from_json(text); }

TEST(PdpDocument, PutCreatesParentsAndRemoveNeedsExisting) {
  auto doc = put_at(json("{}"), {"a", "b"}, json("1"));
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->to_json(), R"({"a":{"b":1}})");
  auto arr = put_at(json(R"({"l":[1,2]})"), {"l", "1"}, json("9"));
  EXPECT_EQ(arr->to_json(), R"({"l":[1,9]})");
  EXPECT_FALSE(put_at(json(R"({"s":1})"), {"s", "x"}, json("1")).ok());
  EXPECT_EQ(remove_at(json(R"({"a":{"b":1}})"), {"a", "b"})->to_json(), R"({"a":{}})");
  EXPECT_EQ(remove_at(json("{}"), {"a"}).error().code(), Code::kNotFound);
}

TEST(PdpDocument, JsonPatchOperations) {
  auto doc = json(R"({"x":{"a":1,"l":[1,2]}})");
  auto ops = json(R"([{"op":"add","path":"/l/-","value":3},
                      {"op":"add","path":"/l/0","value":0},
                      {"op":"copy","from":"/a","path":"/b"},
                      {"op":"move","from":"/a","path":"/c"},
                      {"op":"test","path":"/b","value":1},
                      {"op":"replace","path":"/b","value":"B"}])");
  auto out = apply_patch(doc, {"x"}, ops);
  ASSERT_TRUE(out.ok()) << out.error().to_string();
  EXPECT_EQ(out->to_json(), R"({"x":{"b":"B","c":1,"l":[0,1,2,3]}})");
  EXPECT_EQ(
      apply_patch(doc, {"x"}, json(R"([{"op":"test","path":"/a","value":2}])")).error().code(),
      Code::kFailedPrecondition);
  EXPECT_FALSE(apply_patch(doc, {}, json(R"([{"op":"frob","path":"/a"}])")).ok());
  EXPECT_FALSE(apply_patch(doc, {}, json(R"({"op":"add"})")).ok());
}

TEST(PdpDocument, DataQueryQuotesSegments) {
  EXPECT_EQ(data_query({}), "data");
  EXPECT_EQ(data_query({"a", "b-c", "0"}), R"(data["a"]["b-c"][0])");
  EXPECT_EQ(split_doc_path("/a//b/"), (DocPath{"a", "b"}));
}

}  // namespace
}  // namespace dts::policy::pdp
