#include "common/json.hpp"

#include <gtest/gtest.h>

#include <string>

namespace dts::json {
namespace {

// The error message of a parse that must fail with `code`.
std::string parse_error(std::string_view text, const Limits& limits = {},
                        Code code = Code::kInvalidArgument) {
  auto r = parse_strict(text, limits);
  if (r.ok()) {
    ADD_FAILURE() << "accepted: " << text.substr(0, 200);
    return "";
  }
  EXPECT_EQ(r.error().code(), code) << r.error().message();
  return r.error().message();
}

TEST(JsonParse, ValidDocuments) {
  auto r = parse_strict(
      " {\"a\": [1, -2, 3.5, 1e3, true, false, null], \"b\": {\"c\": "
      "\"d\\n\\u00e9\\ud83d\\ude00\"},"
      " \"big\": 18446744073709551615, \"huge\": 1e300, \"e\": \"\xc3\xa9\"}\r\n\t");
  ASSERT_TRUE(r.ok()) << r.error().message();
  const auto& o = r->as_object();
  EXPECT_EQ(o.at("a").as_array().size(), 7u);
  EXPECT_EQ(o.at("a").as_array()[0].as_int64(), 1);
  EXPECT_EQ(o.at("a").as_array()[1].as_int64(), -2);
  EXPECT_DOUBLE_EQ(o.at("a").as_array()[2].as_double(), 3.5);
  EXPECT_DOUBLE_EQ(o.at("a").as_array()[3].as_double(), 1000);
  EXPECT_EQ(o.at("b").as_object().at("c").as_string(), "d\n\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(o.at("big").as_uint64(), 18446744073709551615u);
  EXPECT_EQ(o.at("e").as_string(), "\xc3\xa9");
  for (const char* scalar : {"0", "-0", "\"\"", "true", "null", "[]", "{}", "[[]]", "-1.5E-3"}) {
    EXPECT_TRUE(parse_strict(scalar).ok()) << scalar;
  }
  EXPECT_EQ(to_string(*parse_strict("{ \"x\" : [ 1 , {} ] }")), "{\"x\":[1,{}]}");
  EXPECT_EQ(parse_strict("-9223372036854775808")->as_int64(), INT64_MIN);
  EXPECT_TRUE(parse_strict("123456789012345678901234567890")->is_double());
}

TEST(JsonParse, MalformedWithPositions) {
  EXPECT_EQ(parse_error("{\"a\": 1, \"b\": 2 \"c\": 3}"),
            "invalid JSON at 1:17: expected ',' or '}'");
  EXPECT_EQ(parse_error("[1 2]"), "invalid JSON at 1:4: expected ',' or ']'");
  EXPECT_EQ(parse_error("{\n  \"a\": 1,\n  \"b\" 2\n}"), "invalid JSON at 3:7: expected ':'");
  EXPECT_EQ(parse_error(""), "invalid JSON: empty input");
  EXPECT_EQ(parse_error(" \n "), "invalid JSON: empty input");
  EXPECT_EQ(parse_error("{"),
            "invalid JSON at 1:2: unexpected end of input, expected a string key");
  EXPECT_EQ(parse_error("[1,"), "invalid JSON at 1:4: unexpected end of input, expected a value");
  EXPECT_EQ(parse_error("[1"), "invalid JSON at 1:3: unexpected end of input, expected ',' or ']'");
  EXPECT_EQ(parse_error("{\"a\":1"),
            "invalid JSON at 1:7: unexpected end of input, expected ',' or '}'");
  EXPECT_EQ(parse_error("\"abc"), "invalid JSON at 1:1: unterminated string");
  EXPECT_EQ(parse_error("[1,]"), "invalid JSON at 1:4: trailing comma");
  EXPECT_EQ(parse_error("{\"a\":1,}"), "invalid JSON at 1:8: trailing comma");
  EXPECT_EQ(parse_error("{'a':1}"), "invalid JSON at 1:2: expected a string key");
  EXPECT_EQ(parse_error("{a:1}"), "invalid JSON at 1:2: expected a string key");
  EXPECT_EQ(parse_error("[1] // c"), "invalid JSON at 1:5: comments are not allowed");
  EXPECT_EQ(parse_error("/* c */ 1"), "invalid JSON at 1:1: comments are not allowed");
  EXPECT_EQ(parse_error("[1, /* c */ 2]"), "invalid JSON at 1:5: comments are not allowed");
  EXPECT_EQ(parse_error("[tru]"), "invalid JSON at 1:2: invalid literal, expected true");
  EXPECT_EQ(parse_error("[NaN]"), "invalid JSON at 1:2: expected a value");
  EXPECT_EQ(parse_error("[Infinity]"), "invalid JSON at 1:2: expected a value");
  EXPECT_EQ(parse_error("[01]"), "invalid JSON at 1:2: invalid number: leading zero");
  EXPECT_EQ(parse_error("[1.]"), "invalid JSON at 1:2: invalid number: expected a digit after '.'");
  EXPECT_EQ(parse_error("[.5]"), "invalid JSON at 1:2: expected a value");
  EXPECT_EQ(parse_error("[+1]"), "invalid JSON at 1:2: expected a value");
  EXPECT_EQ(parse_error("[-]"), "invalid JSON at 1:2: invalid number");
  EXPECT_EQ(parse_error("[1e]"),
            "invalid JSON at 1:2: invalid number: expected a digit in the exponent");
  EXPECT_EQ(parse_error("[1e999]"), "invalid JSON at 1:2: number out of range");
  EXPECT_EQ(parse_error("\"a\\x\""), "invalid JSON at 1:3: invalid escape");
  EXPECT_EQ(parse_error("\"\\u12\""),
            "invalid JSON at 1:4: invalid \\u escape: expected 4 hex digits");
  EXPECT_EQ(parse_error("\"a\tb\""),
            "invalid JSON at 1:3: control character in string (must be escaped)");
  EXPECT_EQ(parse_error("\"a\nb\""),
            "invalid JSON at 1:3: control character in string (must be escaped)");
  EXPECT_EQ(parse_error("{\"a\":}"), "invalid JSON at 1:6: expected a value");
  EXPECT_EQ(parse_error("[}"), "invalid JSON at 1:2: expected a value");
  EXPECT_EQ(parse_error("{]"), "invalid JSON at 1:2: expected a string key");
  // Columns count characters, not bytes.
  EXPECT_EQ(parse_error("[\"\xc3\xa9\xc3\xa9\" 1]"), "invalid JSON at 1:7: expected ',' or ']'");
}

TEST(JsonParse, TrailingGarbage) {
  EXPECT_EQ(parse_error("{} x"), "invalid JSON at 1:4: unexpected data after the JSON value");
  EXPECT_EQ(parse_error("{}{}"), "invalid JSON at 1:3: unexpected data after the JSON value");
  EXPECT_EQ(parse_error("1 2"), "invalid JSON at 1:3: unexpected data after the JSON value");
  EXPECT_EQ(parse_error("truex"), "invalid JSON at 1:5: unexpected data after the JSON value");
  EXPECT_EQ(parse_error(std::string_view("{}\0", 3)),
            "invalid JSON at 1:3: unexpected data after the JSON value");
  // A UTF-8 byte order mark is not JSON whitespace.
  EXPECT_EQ(parse_error("\xef\xbb\xbf{}"), "invalid JSON at 1:1: expected a value");
}

TEST(JsonParse, DuplicateKeys) {
  EXPECT_EQ(parse_error("{\"a\": 1, \"a\": 2}"), "duplicate key \"a\" at 1:10");
  EXPECT_EQ(parse_error("{\n  \"x\": 1,\n  \"b\": {\"a\": 1,\n    \"a\": 2}}"),
            "duplicate key \"a\" at 4:5");
  // Keys compare after unescaping.
  EXPECT_EQ(parse_error("{\"a\": 1, \"\\u0061\": 2}"), "duplicate key \"a\" at 1:10");
  // The same key in different objects is fine.
  EXPECT_TRUE(parse_strict("{\"a\": {\"a\": 1}, \"b\": [{\"a\": 1}, {\"a\": 2}]}").ok());
  // Long and odd keys are quoted and shortened in the message.
  const std::string long_key(500, 'k');
  const std::string msg = parse_error("{\"" + long_key + "\":1,\"" + long_key + "\":2}");
  EXPECT_EQ(msg, "duplicate key \"" + std::string(64, 'k') + "...\" at 1:507");
  EXPECT_EQ(parse_error("{\"a\\nb\":1,\"a\\nb\":2}"), "duplicate key \"a\\nb\" at 1:11");
}

TEST(JsonParse, InvalidUtf8) {
  const char* bad[] = {
      "\"\x80\"",              // lone continuation byte
      "\"\xc3\"",              // truncated 2-byte sequence
      "\"\xc0\xaf\"",          // overlong '/'
      "\"\xe0\x80\xaf\"",      // overlong 3-byte
      "\"\xed\xa0\x80\"",      // UTF-16 surrogate D800 encoded in UTF-8
      "\"\xf4\x90\x80\x80\"",  // above U+10FFFF
      "\"\xf8\x88\x80\x80\x80\"",
      "\"\xff\"",
      "\"\xe2\x82\"",  // truncated 3-byte
  };
  for (const char* s : bad) {
    EXPECT_EQ(parse_error(s), "invalid JSON at 1:2: invalid UTF-8") << s;
  }
  EXPECT_EQ(parse_error("{\"k\xff\": 1}"), "invalid JSON at 1:4: invalid UTF-8");
  EXPECT_EQ(parse_error("[\xc3\xa9]"), "invalid JSON at 1:2: expected a value");
  // Valid edge cases.
  for (const char* s : {"\"\xf4\x8f\xbf\xbf\"", "\"\xed\x9f\xbf\"", "\"\xee\x80\x80\"",
                        "\"\xf0\x90\x80\x80\"", "\"\xc2\x80\""}) {
    EXPECT_TRUE(parse_strict(s).ok()) << s;
  }
}

TEST(JsonParse, SurrogateEscapes) {
  EXPECT_EQ(parse_strict("\"\\ud83d\\ude00\"")->as_string(), "\xf0\x9f\x98\x80");
  EXPECT_EQ(parse_strict("\"\\uD83D\\uDE00\"")->as_string(), "\xf0\x9f\x98\x80");
  EXPECT_EQ(parse_error("\"\\ud83d\""),
            "invalid JSON at 1:2: invalid \\u escape: unpaired surrogate");
  EXPECT_EQ(parse_error("\"\\ude00\""),
            "invalid JSON at 1:2: invalid \\u escape: unpaired surrogate");
  EXPECT_EQ(parse_error("\"\\ud83d\\u0041\""),
            "invalid JSON at 1:2: invalid \\u escape: unpaired surrogate");
  EXPECT_EQ(parse_error("\"\\ud83dx\""),
            "invalid JSON at 1:2: invalid \\u escape: unpaired surrogate");
  EXPECT_EQ(parse_error("\"a\\u0000b\""), "invalid JSON at 1:3: \\u0000 is not allowed");
  Limits allow;
  allow.allow_nul = true;
  EXPECT_EQ(parse_strict("\"a\\u0000b\"", allow)->as_string(), std::string_view("a\0b", 3));
}

TEST(JsonParse, TooDeep) {
  const std::string deep(100000, '[');
  EXPECT_EQ(parse_error(deep), "JSON nested deeper than 64 at 1:65");
  std::string objects;
  for (int i = 0; i < 100000; ++i) {
    objects += "{\"a\":";
  }
  EXPECT_EQ(parse_error(objects), "JSON nested deeper than 64 at 1:321");
  // Exactly at the limit is fine.
  const std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_TRUE(parse_strict(ok).ok());
  EXPECT_EQ(parse_error(std::string(65, '[') + std::string(65, ']')),
            "JSON nested deeper than 64 at 1:65");
  // A much larger limit still cannot exhaust the stack: the parser is iterative.
  Limits lax;
  lax.max_depth = 1000000;
  lax.max_bytes = 1 << 22;
  EXPECT_EQ(parse_error(std::string(1000000, '['), lax),
            "invalid JSON at 1:1000001: unexpected end of input, expected a value");
}

TEST(JsonParse, TooBig) {
  Limits small;
  small.max_bytes = 16;
  EXPECT_EQ(parse_error("[1,2,3,4,5,6,7,8,9]", small, Code::kPayloadTooLarge),
            "JSON body of 19 bytes is over the limit of 16");
  EXPECT_TRUE(parse_strict("[1,2,3,4,5,6,7]", small).ok());  // 15 bytes
  const std::string big = "\"" + std::string(1 << 20, 'a') + "\"";
  EXPECT_EQ(parse_error(big, {}, Code::kPayloadTooLarge),
            "JSON body of 1048578 bytes is over the limit of 1048576");
}

TEST(JsonParse, HugeStrings) {
  const std::string ok = "[\"" + std::string(256 * 1024, 'x') + "\"]";
  EXPECT_TRUE(parse_strict(ok).ok());
  const std::string long_value = "[\"" + std::string(256 * 1024 + 1, 'x') + "\"]";
  EXPECT_EQ(parse_error(long_value), "JSON string longer than 262144 bytes at 1:2");
  const std::string long_key = "{\"" + std::string(256 * 1024 + 1, 'k') + "\": 1}";
  EXPECT_EQ(parse_error(long_key), "JSON string longer than 262144 bytes at 1:2");
  // Escapes count as their decoded size.
  Limits small;
  small.max_string = 4;
  EXPECT_TRUE(parse_strict("\"\\n\\n\\n\\n\"", small).ok());
  EXPECT_EQ(parse_error("\"\\n\\n\\n\\n\\n\"", small), "JSON string longer than 4 bytes at 1:1");
}

TEST(JsonParse, TooManyMembers) {
  Limits small;
  small.max_members = 3;
  EXPECT_TRUE(parse_strict("[1,2,3]", small).ok());
  EXPECT_EQ(parse_error("[1,2,3,4]", small), "JSON array has more than 3 elements at 1:8");
  EXPECT_EQ(parse_error("{\"a\":1,\"b\":2,\"c\":3,\"d\":4}", small),
            "JSON object has more than 3 members at 1:20");
  EXPECT_EQ(parse_error("[[],[],[],[]]", small), "JSON array has more than 3 elements at 1:11");
  std::string many = "[";
  for (int i = 0; i < 10001; ++i) {
    many += i ? ",0" : "0";
  }
  many += "]";
  EXPECT_EQ(parse_error(many), "JSON array has more than 10000 elements at 1:20002");
}

TEST(JsonParse, GarbageNeverCrashes) {
  // Every prefix of a valid document, and every single-byte corruption of it, either
  // parses or fails cleanly.
  const std::string doc =
      "{\"id\": \"j-1\", \"n\": [1, 2.5, -3e2], \"ok\": true, \"s\": "
      "\"\\u00e9\\ud83d\\ude00\\\\\"}";
  ASSERT_TRUE(parse_strict(doc).ok());
  for (size_t i = 0; i < doc.size(); ++i) {
    EXPECT_FALSE(parse_strict(doc.substr(0, i)).ok()) << i;
    for (int b : std::initializer_list<int>{0, '"', '\\', '{', '}', '[', ']', ',', ':', 0x80, 0xff,
                                            'u', '0'}) {
      std::string c = doc;
      c[i] = static_cast<char>(b);
      auto r = parse_strict(c);
      if (!r.ok()) {
        EXPECT_FALSE(r.error().message().empty());
      }
    }
  }
}

TEST(JsonParse, ParseObject) {
  EXPECT_TRUE(parse_object("{}").ok());
  auto r = parse_object("[1]");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kInvalidArgument);
  EXPECT_EQ(r.error().message(), "request body must be a JSON object, got array");
  EXPECT_EQ(parse_object("{").error().message(),
            "invalid JSON at 1:2: unexpected end of input, expected a string key");
}

TEST(JsonFields, Accessors) {
  auto o = *parse_object(
      "{\"s\": \"v\", \"i\": 42, \"neg\": -7, \"d\": 3.0, \"frac\": 2.5, \"b\": true, "
      "\"n\": null, \"u\": 18446744073709551615, \"o\": {\"x\": 1}, \"a\": [1], \"big\": 1e19}");
  EXPECT_EQ(*get_string(o, "s", true), "v");
  EXPECT_EQ(*get_string(o, "missing", false, "dflt"), "dflt");
  EXPECT_EQ(*get_string(o, "n", false), "");
  EXPECT_EQ(get_string(o, "missing", true).error().message(), "field \"missing\" is required");
  EXPECT_EQ(get_string(o, "n", true).error().message(), "field \"n\" is required");
  EXPECT_EQ(get_string(o, "i", true).error().message(), "field \"i\" must be a string, got number");
  EXPECT_EQ(get_string(o, "i", true).error().code(), Code::kInvalidArgument);

  EXPECT_EQ(*get_int64(o, "i", true), 42);
  EXPECT_EQ(*get_int64(o, "neg", true), -7);
  EXPECT_EQ(*get_int64(o, "d", true), 3);
  EXPECT_EQ(*get_int64(o, "missing", false, 9), 9);
  EXPECT_EQ(get_int64(o, "frac", true).error().message(),
            "field \"frac\" must be an integer, got 2.5E0");
  EXPECT_EQ(get_int64(o, "u", true).error().message(),
            "field \"u\" is out of range for a 64-bit integer");
  EXPECT_FALSE(get_int64(o, "big", true).ok());
  EXPECT_EQ(get_int64(o, "s", true).error().message(),
            "field \"s\" must be an integer, got string");

  EXPECT_TRUE(*get_bool(o, "b", true));
  EXPECT_TRUE(*get_bool(o, "missing", false, true));
  EXPECT_EQ(get_bool(o, "s", true).error().message(), "field \"s\" must be a boolean, got string");

  EXPECT_EQ((*get_object(o, "o", true))->at("x").as_int64(), 1);
  EXPECT_EQ(*get_object(o, "missing", false), nullptr);
  EXPECT_EQ(get_object(o, "a", true).error().message(), "field \"a\" must be an object, got array");
  EXPECT_EQ((*get_array(o, "a", true))->size(), 1u);
  EXPECT_EQ(*get_array(o, "n", false), nullptr);
  EXPECT_EQ(get_array(o, "o", true).error().message(), "field \"o\" must be an array, got object");
}

TEST(JsonFields, RejectUnknown) {
  auto o = *parse_object("{\"name\": 1, \"nmae\": 2}");
  EXPECT_TRUE(reject_unknown_fields(o, {"name", "nmae"}).ok());
  auto st = reject_unknown_fields(o, {"name", "size"});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().message(), "unknown field \"nmae\"");
}

}  // namespace
}  // namespace dts::json
