#include "pushsim/base/csv_text.hpp"

#include <gtest/gtest.h>

using pushsim::csv_field;
using pushsim::csv_quoting;

TEST(CsvText, PlainFieldsStayAsTheyAre) {
  EXPECT_EQ(csv_field("00D5e000000AbCd"), "00D5e000000AbCd");
  EXPECT_EQ(csv_field(""), "");
}

TEST(CsvText, CommasQuotesAndLineBreaksAreQuoted) {
  EXPECT_EQ(csv_field("Acme, Inc."), "\"Acme, Inc.\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(csv_field("cr\rhere"), "\"cr\rhere\"");
}

TEST(CsvText, AlwaysQuotesEveryFieldWhenAsked) {
  EXPECT_EQ(csv_field("0DX000000000001", csv_quoting::always), "\"0DX000000000001\"");
  EXPECT_EQ(csv_field("", csv_quoting::always), "\"\"");
  EXPECT_EQ(csv_field("a\"b", csv_quoting::always), "\"a\"\"b\"");
}
