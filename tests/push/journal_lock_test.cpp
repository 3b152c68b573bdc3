#include "pushsim/push/journal_lock.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <variant>

namespace pushsim::push {
namespace {

std::filesystem::path temp_dir() {
  return std::filesystem::temp_directory_path() / ("pushsim_lock_" + std::to_string(::getpid()));
}

std::string temp_journal(const char* name) {
  std::filesystem::create_directories(temp_dir());
  return (temp_dir() / name).string();
}

class JournalLock : public ::testing::Test {
 protected:
  static void TearDownTestSuite() { std::filesystem::remove_all(temp_dir()); }
};

TEST_F(JournalLock, SecondOpenerIsRefusedNamingTheHolderPid) {
  const std::string j = temp_journal("a.journal");
  auto first = journal_lock::acquire(j);
  ASSERT_TRUE(std::holds_alternative<journal_lock>(first)) << std::get<journal_lock::refusal>(first).message;
  auto second = journal_lock::acquire(j);  // a second open file description in the same process
  ASSERT_TRUE(std::holds_alternative<journal_lock::refusal>(second));
  const auto& r = std::get<journal_lock::refusal>(second);
  EXPECT_TRUE(r.held);
  ASSERT_TRUE(r.holder_pid.has_value());
  EXPECT_EQ(*r.holder_pid, static_cast<long>(::getpid()));
  EXPECT_EQ(r.message.rfind("journal " + j + " is locked by pid " + std::to_string(::getpid()), 0), 0u) << r.message;
}

TEST_F(JournalLock, TwoNamesOfOneJournalShareTheLock) {
  const std::string j = temp_journal("d.journal");
  const std::string other_name = temp_journal("d-link.journal");
  { std::ofstream(j) << ""; }
  std::filesystem::remove(other_name);
  std::filesystem::create_symlink(j, other_name);
  auto first = journal_lock::acquire(j);
  ASSERT_TRUE(std::holds_alternative<journal_lock>(first));
  auto second = journal_lock::acquire(other_name);
  ASSERT_TRUE(std::holds_alternative<journal_lock::refusal>(second));
  const std::string& message = std::get<journal_lock::refusal>(second).message;
  EXPECT_EQ(message.rfind("journal " + other_name + " is locked by pid ", 0), 0u) << message;
}

TEST_F(JournalLock, IsReleasedWhenTheHolderGoes) {
  const std::string j = temp_journal("b.journal");
  {
    auto first = journal_lock::acquire(j);
    ASSERT_TRUE(std::holds_alternative<journal_lock>(first));
  }
  EXPECT_FALSE(std::filesystem::exists(j + ".lock")) << "the lock file outlived its holder";
  auto again = journal_lock::acquire(j);
  EXPECT_TRUE(std::holds_alternative<journal_lock>(again));
  EXPECT_TRUE(std::filesystem::exists(j + ".lock"));
}

TEST_F(JournalLock, AnotherProcessIsRefused) {
  const std::string j = temp_journal("c.journal");
  auto held = journal_lock::acquire(j);
  ASSERT_TRUE(std::holds_alternative<journal_lock>(held));
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto r = journal_lock::acquire(j);
    const auto* refused = std::get_if<journal_lock::refusal>(&r);
    const bool ok = refused != nullptr && refused->held && refused->holder_pid == static_cast<long>(::getppid());
    std::_Exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the child took the lock, or did not name this process";
}

}  // namespace
}  // namespace pushsim::push
