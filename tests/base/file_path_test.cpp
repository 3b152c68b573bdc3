#include "pushsim/base/file_path.hpp"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

using pushsim::dir_of;

TEST(FilePath, FolderOfAFileIsWhereItsRelativeNamesStart) {
  EXPECT_EQ(dir_of("scenarios/plans/a.json"), "scenarios/plans");
  EXPECT_EQ(dir_of("/abs/x.json"), "/abs");
  EXPECT_EQ(dir_of("x.json"), ".");  // a bare name is relative to the working folder
}

// read_file: a regular file byte for byte (NUL and CR kept), an empty file as "", a folder or a missing file as
// nothing (a folder opens as a stream but reads as nothing: it must not pass for an empty file).
TEST(FilePath, ReadFileGivesTheBytesAndRefusesAFolder) {
  const std::string dir = ::testing::TempDir() + "read_file_test";
  std::filesystem::create_directories(dir);
  const std::string bytes("a,b\r\n\0x\n", 8);
  std::ofstream(dir + "/f.csv", std::ios::binary) << bytes;
  std::ofstream(dir + "/empty.csv", std::ios::binary).close();
  EXPECT_EQ(pushsim::read_file(dir + "/f.csv"), bytes);
  EXPECT_EQ(pushsim::read_file(dir + "/empty.csv"), std::string());
  EXPECT_FALSE(pushsim::read_file(dir));
  EXPECT_FALSE(pushsim::read_file(dir + "/missing.csv"));
  std::filesystem::remove_all(dir);
}
