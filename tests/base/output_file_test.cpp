#include "pushsim/base/output_file.hpp"

#include <csignal>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace fs = std::filesystem;
using pushsim::check_output_path;
using pushsim::check_output_paths;
using pushsim::output_error;
using pushsim::write_all_atomically;
using pushsim::write_atomically;

namespace {

class OutputFile : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pushsim_output_file_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = fs::canonical(pattern);
  }
  void TearDown() override {
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add);
    fs::remove_all(dir_);
  }

  std::string at(const std::string& name) const { return (dir_ / name).string(); }

  static void put(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }
  static std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    return buf.str();
  }
  std::size_t entries() const {
    std::size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++n;
    return n;
  }

  // The error check_output_path gives, or a test failure when it accepts the path.
  static output_error refused(const std::string& path, const std::vector<std::string>& inputs = {}) {
    auto checked = check_output_path(path, inputs);
    if (const auto* e = std::get_if<output_error>(&checked)) return *e;
    ADD_FAILURE() << "accepted " << path;
    return {};
  }
  static fs::path accepted(const std::string& path, const std::vector<std::string>& inputs = {}) {
    auto checked = check_output_path(path, inputs);
    if (const auto* p = std::get_if<fs::path>(&checked)) return *p;
    ADD_FAILURE() << std::get<output_error>(checked).to_string();
    return {};
  }

  fs::path dir_;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST_F(OutputFile, WritesANewFileAndLeavesNoTemporary) {
  const auto target = accepted(at("r.json"));
  EXPECT_EQ(target, dir_ / "r.json");
  EXPECT_EQ(write_atomically(target, "{}\n"), std::nullopt);
  EXPECT_EQ(read(target), "{}\n");
  EXPECT_EQ(entries(), 1u);
}

TEST_F(OutputFile, ReplacingAFileKeepsItsPermissionBits) {
  put(at("r.csv"), "old");
  fs::permissions(at("r.csv"), fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
  EXPECT_EQ(write_atomically(accepted(at("r.csv")), "new"), std::nullopt);
  EXPECT_EQ(read(at("r.csv")), "new");
  EXPECT_EQ(fs::status(at("r.csv")).permissions(),
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::others_read);
}

TEST_F(OutputFile, RefusesAFifoAndLeavesIt) {
  ASSERT_EQ(::mkfifo(at("pipe").c_str(), 0600), 0);
  const auto e = refused(at("pipe"));
  EXPECT_EQ(e.path, at("pipe"));
  EXPECT_TRUE(contains(e.message, "FIFO")) << e.message;
  EXPECT_TRUE(fs::is_fifo(at("pipe")));
}

TEST_F(OutputFile, RefusesACharacterDeviceAlsoThroughASymlink) {
  // /dev/null is only inspected here, never written.
  EXPECT_TRUE(contains(refused("/dev/null").message, "character device"));
  fs::create_symlink("/dev/null", at("null_link"));
  EXPECT_TRUE(contains(refused(at("null_link")).message, "character device"));
  EXPECT_TRUE(fs::is_symlink(at("null_link")));
}

TEST_F(OutputFile, RefusesASocket) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string path = at("s.sock");
  ASSERT_LT(path.size(), sizeof addr.sun_path);
  path.copy(addr.sun_path, path.size());
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  EXPECT_TRUE(contains(refused(path).message, "socket"));
  ::close(fd);
}

TEST_F(OutputFile, RefusesAFolderAndANameEndingInASlash) {
  fs::create_directory(at("reports"));
  EXPECT_TRUE(contains(refused(at("reports")).message, "folder"));
  EXPECT_TRUE(contains(refused(at("reports") + "/").message, "names a folder"));
  EXPECT_TRUE(contains(refused("").message, "empty"));
}

TEST_F(OutputFile, FollowsASymlinkAndWritesItsTarget) {
  fs::create_directory(at("real"));
  put(at("real/r.json"), "old");
  fs::create_symlink("real/r.json", at("link.json"));  // relative, as `ln -s` makes them
  const auto target = accepted(at("link.json"));
  EXPECT_EQ(target, dir_ / "real" / "r.json");
  EXPECT_EQ(write_atomically(target, "new"), std::nullopt);
  EXPECT_TRUE(fs::is_symlink(at("link.json")));
  EXPECT_EQ(read(at("real/r.json")), "new");
  EXPECT_EQ(read(at("link.json")), "new");
}

TEST_F(OutputFile, ADanglingSymlinkCreatesItsTarget) {
  fs::create_symlink("later.json", at("link.json"));
  EXPECT_EQ(write_atomically(accepted(at("link.json")), "x"), std::nullopt);
  EXPECT_TRUE(fs::is_symlink(at("link.json")));
  EXPECT_EQ(read(at("later.json")), "x");
}

TEST_F(OutputFile, RefusesASymlinkLoop) {
  fs::create_symlink("b", at("a"));
  fs::create_symlink("a", at("b"));
  EXPECT_TRUE(contains(refused(at("a")).message, "symbolic links"));
}

TEST_F(OutputFile, RefusesAnInputByPathSymlinkOrHardLink) {
  put(at("s.json"), "{\"seed\": 1}");
  const std::vector<std::string> inputs = {at("s.json")};
  const auto e = refused(at("s.json"), inputs);
  EXPECT_TRUE(contains(e.message, "input file '" + at("s.json") + "'")) << e.message;
  fs::create_directory(at("sub"));
  refused(at("sub/../s.json"), inputs);
  fs::create_symlink(at("s.json"), at("link.json"));
  refused(at("link.json"), inputs);
  refused(at("s.json"), {at("link.json")});  // the input named through a symlink
  fs::create_hard_link(at("s.json"), at("hard.json"));
  refused(at("hard.json"), inputs);
  EXPECT_EQ(read(at("s.json")), "{\"seed\": 1}");
  accepted(at("other.json"), inputs);
}

TEST_F(OutputFile, RefusesAMissingFolder) {
  const auto e = refused(at("missing_dir/x.json"));
  EXPECT_TRUE(contains(e.message, "does not exist")) << e.message;
  EXPECT_FALSE(fs::exists(at("missing_dir")));
  put(at("plain"), "");
  EXPECT_TRUE(contains(refused(at("plain/x.json")).message, "is not a folder"));
}

TEST_F(OutputFile, RefusesAnUnwritableFolder) {
  // Root bypasses permission bits, so as root this folder would be writable and the case cannot be shown.
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: permissions do not apply";
  fs::create_directory(at("ro"));
  fs::permissions(at("ro"), fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_TRUE(contains(refused(at("ro/x.json")).message, "not writable"));
}

TEST_F(OutputFile, AFailedWriteLeavesThePreviousContent) {
  put(at("r.json"), "previous");
  const auto target = accepted(at("r.json"));
  // A file size limit makes write() fail part way (EFBIG), as a full disk would; it applies to root too.
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit old_limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  rlimit small = old_limit;
  small.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  const auto error = write_atomically(target, std::string(64 * 1024, 'x'));
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  std::signal(SIGXFSZ, old_handler);
  ASSERT_TRUE(error.has_value());
  EXPECT_TRUE(contains(error->message, "previous file")) << error->message;
  EXPECT_EQ(read(at("r.json")), "previous");
  EXPECT_EQ(entries(), 1u);  // the temporary is gone
}

TEST_F(OutputFile, AFolderGoneAfterTheCheckIsAnErrorNotACrash) {
  fs::create_directory(at("gone"));
  const auto target = accepted(at("gone/x.json"));
  fs::remove(at("gone"));
  const auto error = write_atomically(target, "x");
  ASSERT_TRUE(error.has_value());
  EXPECT_TRUE(contains(error->to_string(), "cannot write '" + target.string() + "'"));
}

TEST_F(OutputFile, TwoOutputsNamingOneFileAreRefused) {
  fs::create_symlink("a.json", at("alias.json"));
  const auto checked = check_output_paths({at("a.json"), "", at("b.csv"), at("alias.json")}, {});
  ASSERT_TRUE(std::holds_alternative<std::vector<output_error>>(checked));
  const auto& errors = std::get<std::vector<output_error>>(checked);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].path, at("alias.json"));
  EXPECT_TRUE(contains(errors[0].message, "same file as the output '" + at("a.json") + "'")) << errors[0].message;
}

TEST_F(OutputFile, CheckOutputPathsGivesEveryTargetInOrder) {
  const auto checked = check_output_paths({at("a.json"), "", at("b.csv")}, {});
  ASSERT_TRUE(std::holds_alternative<std::vector<fs::path>>(checked));
  EXPECT_EQ(std::get<std::vector<fs::path>>(checked), (std::vector<fs::path>{dir_ / "a.json", {}, dir_ / "b.csv"}));
}

TEST_F(OutputFile, ASetIsWrittenWholeOrNotAtAll) {
  put(at("a.json"), "old a");
  fs::create_directory(at("gone"));
  const auto a = accepted(at("a.json"));
  const auto b = accepted(at("gone/b.csv"));
  fs::remove(at("gone"));
  EXPECT_TRUE(write_all_atomically({{a, "new a"}, {b, "new b"}}).has_value());
  EXPECT_EQ(read(at("a.json")), "old a");
  EXPECT_EQ(entries(), 1u);
  fs::create_directory(at("gone"));
  EXPECT_EQ(write_all_atomically({{a, "new a"}, {{}, "skipped"}, {b, "new b"}}), std::nullopt);
  EXPECT_EQ(read(at("a.json")), "new a");
  EXPECT_EQ(read(at("gone/b.csv")), "new b");
}

}  // namespace
