#include "pushsim/base/file_path.hpp"

#include <gtest/gtest.h>

using pushsim::dir_of;

TEST(FilePath, FolderOfAFileIsWhereItsRelativeNamesStart) {
  EXPECT_EQ(dir_of("scenarios/plans/a.json"), "scenarios/plans");
  EXPECT_EQ(dir_of("/abs/x.json"), "/abs");
  EXPECT_EQ(dir_of("x.json"), ".");  // a bare name is relative to the working folder
}
